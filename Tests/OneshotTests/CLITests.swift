import Foundation
import JSON
import Parquet
import Testing

/// End-to-end: the built `oneshot` binary on real files, through its JSON output.
@Suite(.serialized) struct CLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built binary, next to the test bundle.
    static var binary: URL {
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("oneshot")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/oneshot")
    }

    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:] }
    }

    /// Runs the binary with output sent to files (no pipe can fill up and block it); `via` is a command that
    /// runs it (nsenter into a test network namespace).
    func run(_ arguments: [String], store: String?, environment: [String: String] = [:], via: [String] = []) throws -> Output {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = via.first.map(URL.init(fileURLWithPath:)) ?? Self.binary
        process.arguments = via.dropFirst() + (via.isEmpty ? [] : [Self.binary.path]) + arguments + (store.map { ["--store", $0] } ?? [])
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.currentDirectoryURL = dir
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        try process.run()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                      stderr: try String(contentsOf: err, encoding: .utf8))
    }

    func freshStore() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).db").path
    }

    func shipped(_ path: String) -> String { Self.root.appendingPathComponent("datasets/\(path)").path }

    @Test func importDedupDecontaminateStats() throws {
        let store = freshStore()
        let imported = try run(["import", shipped("one-shot-rlvr/dsr_sub.jsonl"), shipped("xml/arqmath-2022-topics.xml"), "--json"], store: store)
        #expect(imported.status == 0)
        #expect(imported.json["imported"] as? Int == 1309)
        #expect(imported.json["rejected"] as? Int == 0)
        #expect(imported.json["skipped"] as? Int == 0)
        let files = imported.json["files"] as? [[String: Any]] ?? []
        #expect(files.map { $0["imported"] as? Int } == [1209, 100])

        let again = try run(["import", shipped("one-shot-rlvr/dsr_sub.jsonl"), "--json"], store: store)
        #expect((again.json["files"] as? [[String: Any]])?.first?["already_imported"] as? Bool == true)

        let dedup = try run(["dedup", "--dataset", "dsr_sub", "--json"], store: store)
        #expect(dedup.status == 0)
        let clusters = dedup.json["clusters"] as? [[String: Any]] ?? []
        let indexSets = clusters.map { Set(($0["members"] as? [[String: Any]] ?? []).compactMap { $0["source_index"] as? String }) }
        #expect(indexSets.contains(["136", "780", "899"]))
        let member = (clusters.first?["members"] as? [[String: Any]])?.first ?? [:]
        #expect(Set(member.keys).isSuperset(of: ["dataset", "example_id", "source_index", "similarity"]))

        let decon = try run(["decontaminate", "--dataset", "dsr_sub", "--against", "math500", "aime24", "--json"], store: store)
        #expect(decon.status == 0, "\(decon.stderr)")
        #expect(decon.json["flagged"] is Int)
        #expect(decon.json["matches"] is [Any])

        let stats = try run(["stats", "--json"], store: store)
        let names = (stats.json["datasets"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(names == ["dsr_sub", "arqmath-2022-topics", "math500", "aime24"])
    }

    @Test func rejectedRowsAreReportedAndQuarantined() throws {
        let store = freshStore()
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).jsonl")
        try Data("{\"problem\": \"What is 2+2?\", \"answer\": \"4\"}\n{oops\n".utf8).write(to: input)
        let result = try run(["import", input.path], store: store)
        #expect(result.status == 0)
        #expect(result.stderr.contains("\(input.path):2: invalid JSON"))
        #expect(result.stdout.contains("1 imported, 1 rejected"))
        let quarantine = (store as NSString).deletingPathExtension + ".quarantine"
        let files = try FileManager.default.contentsOfDirectory(atPath: quarantine)
        #expect(files.count == 1)
        #expect(try String(contentsOfFile: quarantine + "/" + files[0], encoding: .utf8) == "{oops\n")
        let rejects = try run(["rejects", "--json"], store: store)
        #expect(rejects.json["rejected"] as? Int == 1)
    }

    @Test func showPrintsBothTextsOfAMatch() throws {
        let store = freshStore()
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("copy-\(UUID().uuidString).jsonl")
        let math500 = try String(contentsOfFile: shipped("benchmarks/math500.jsonl"), encoding: .utf8).split(separator: "\n")[0]
        try Data((math500 + "\n").utf8).write(to: input)
        _ = try run(["import", input.path, "--dataset", "leaky"], store: store)
        let decon = try run(["decontaminate", "--dataset", "leaky", "--against", "math500", "--json"], store: store)
        #expect(decon.json["flagged"] as? Int == 1)
        let match = (decon.json["matches"] as? [[String: Any]])?.first ?? [:]
        let id = match["example_id"] as? Int ?? 0
        let show = try run(["show", "\(id)"], store: store)
        #expect(show.stdout.contains("matches math500"))
        #expect(show.stdout.components(separatedBy: "Convert the point $(0,3)$").count == 3)
    }

    @Test func selectionFlowReproducesThePapersPiFile() throws {
        let store = freshStore()
        _ = try run(["import", shipped("one-shot-rlvr/dsr_sub.jsonl")], store: store)
        let imported = try run(["trajectories", "import", shipped("one-shot-rlvr/acc_step_500.json"), "--format", "one-shot-rlvr",
                                "--dataset", "dsr_sub", "--run", "paper", "--json"], store: store)
        #expect(imported.json["histories"] as? Int == 1209)
        #expect(imported.json["points"] as? Int == 64000)

        let rankOutput = try run(["rank", "--run", "paper", "--top", "13", "--json"], store: store)
        let ranked = (try JSONSerialization.jsonObject(with: Data(rankOutput.stdout.utf8))) as? [[String: Any]] ?? []
        #expect(ranked.count == 13)
        #expect(Set(ranked[0].keys).isSuperset(of: ["rank", "pi", "example_id", "source_index", "score", "mean_accuracy", "history"]))
        #expect(ranked[0]["pi"] as? String == "π1" && ranked[0]["source_index"] as? String == "124")
        #expect(ranked[12]["source_index"] as? String == "682")
        #expect((ranked[0]["history"] as? [Double])?.count == 53)

        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pi-\(UUID().uuidString).jsonl")
        let selected = try run(["select", "--run", "paper", "--pi", "1,13", "--out", out.path], store: store)
        #expect(selected.status == 0, "\(selected.stderr)")
        let ours = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
        let paper = try String(contentsOfFile: Self.root.deletingLastPathComponent()
            .appendingPathComponent("shared/datasets/one-shot-rlvr/train/merge_pi1_pi13_r128.jsonl").path, encoding: .utf8).split(separator: "\n")
        #expect(ours.count == 128 && paper.count == 128)
        for (a, b) in zip(ours, paper) {
            let x = try JSONSerialization.jsonObject(with: Data(a.utf8)) as? NSDictionary
            let y = try JSONSerialization.jsonObject(with: Data(b.utf8)) as? NSDictionary
            #expect(x == y)
        }

        // The same set as verl's Parquet: equal, row for row, to the paper's own file.
        let parquetOut = FileManager.default.temporaryDirectory.appendingPathComponent("pi-\(UUID().uuidString).parquet").path
        #expect(try run(["select", "--run", "paper", "--pi", "1,13", "--out", parquetOut], store: store).status == 0)
        var ourRows: [JSONValue] = [], paperRows: [JSONValue] = []
        try ParquetFile(path: parquetOut).forEachRow { ourRows.append($0) }
        try ParquetFile(path: Self.root.deletingLastPathComponent()
            .appendingPathComponent("shared/datasets/one-shot-rlvr/train/merge_pi1_pi13_r128.parquet").path).forEachRow { paperRows.append($0) }
        #expect(ourRows.count == 128 && ourRows == paperRows)

        let compare = try run(["rank", "--run", "paper", "--compare", "variance,limr,learnability", "--top", "16", "--json"], store: store)
        #expect((compare.json["overlaps"] as? [Any])?.count == 3)

        let unknown = try run(["rank", "--run", "nope"], store: store)
        #expect(unknown.status != 0 && unknown.stderr.contains("no run named 'nope'"))
        let badPi = try run(["select", "--run", "paper", "--pi", "5000", "--out", out.path], store: store)
        #expect(badPi.status != 0 && badPi.stderr.contains("--pi takes ranks from 1 to 1209"))
    }

    @Test func gradeOnePairAndAFile() throws {
        let store: String? = nil   // grading does not touch the store
        #expect(try run(["grade", "--gold", "\\frac{1}{2}", "--prediction", "so $\\boxed{0.5}$"], store: store).stdout == "true\n")
        #expect(try run(["grade", "--gold", "5", "--prediction", "\\boxed{500}"], store: store).stdout == "false\n")
        #expect(try run(["grade", "--gold", "5", "--prediction", "The answer is 5.", "--require-box"], store: store).stdout == "false\n")

        let input = FileManager.default.temporaryDirectory.appendingPathComponent("pairs-\(UUID().uuidString).jsonl")
        try Data("""
            {"gold": "3", "prediction": "\\\\boxed{3}"}
            {"gold": "x^2", "prediction": "no answer"}

            {oops
            {"gold": "(1,2)", "prediction": "The answer is $(1, 2)$."}

            """.utf8).write(to: input)
        for jobs in ["1", "2"] {
            let result = try run(["grade", input.path, "--json", "--jobs", jobs], store: store)
            let lines = result.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(lines.count == 4)   // one object per non-blank input line, in input order
            #expect(lines[0]?["correct"] as? Bool == true && lines[0]?["extracted"] as? String == "3")
            #expect(lines[1]?["correct"] as? Bool == false && lines[1]?["extracted"] is NSNull)
            #expect(lines[2]?["error"] as? String == "invalid JSON" && lines[2]?["line"] as? Int == 4)
            #expect(lines[3]?["correct"] as? Bool == true)
            #expect(result.stderr.contains("2 of 3 correct"))
        }
    }

    @Test func unknownDatasetIsAClearError() throws {
        let result = try run(["dedup", "--dataset", "nope"], store: freshStore())
        #expect(result.status != 0)
        #expect(result.stderr.contains("no dataset named 'nope'"))
    }

    /// A tiny pretraining writes a checkpoint directory that `engine eval` reloads and evaluates on every
    /// family; the same seed gives the same weights; a missing checkpoint is an error naming the file.
    @Test func pretrainWritesACheckpointThatEvalReloads() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)").path
        let tiny = ["engine", "pretrain", "--steps", "3", "--batch-size", "2", "--layers", "1", "--channels", "16", "--heads", "2",
                    "--context", "48", "--eval-count", "2", "--json"]
        let trained = try run(tiny + ["--out", dir], store: nil)
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect((trained.json["families"] as? [[String: Any]])?.count == 7)
        for file in ["model.safetensors", "config.json", "tokenizer.json"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + file), "\(file)")
        }
        let again = try run(tiny + ["--out", dir + "-again"], store: nil)
        #expect(again.status == 0)
        #expect(FileManager.default.contents(atPath: dir + "/model.safetensors") == FileManager.default.contents(atPath: dir + "-again/model.safetensors"))

        let evaluated = try run(["engine", "eval", "--model", dir, "--count", "2", "--json"], store: nil)
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let families = (try? JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8))) as? [[String: Any]]
        #expect(families?.map { $0["family"] as? String } == ["add", "sub", "mul", "expr", "lineq", "frac", "add3"])

        let missing = try run(["engine", "eval", "--model", dir + "-none"], store: nil)
        #expect(missing.status != 0 && missing.stderr.contains("config.json"))

        // Damaged checkpoints: a clear error naming the file (exit 64, as for every input error), never a crash.
        let weights = dir + "/model.safetensors"
        let original = try #require(FileManager.default.contents(atPath: weights))
        try original.prefix(original.count / 2).write(to: URL(fileURLWithPath: weights))
        let truncated = try run(["engine", "eval", "--model", dir], store: nil)
        #expect(truncated.status == 64 && truncated.stderr.contains("model.safetensors"), "\(truncated.stderr)")
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: dir + "/config.json"))
        let badConfig = try run(["engine", "eval", "--model", dir], store: nil)
        #expect(badConfig.status == 64 && badConfig.stderr.contains("config.json: not a checkpoint config"), "\(badConfig.stderr)")
    }
}
