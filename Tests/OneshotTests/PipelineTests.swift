import Foundation
import Parquet
import Store
import Testing

/// `oneshot pipeline`: the stages in order from a TOML config, one line each, skipped when done, redone with --from.
extension CLITests {
    func writeConfig(_ text: String, in dir: String) throws -> String {
        let path = dir + "/pipeline.toml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The paper's selection from its own data (the second example config), against the shipped files.
    @Test func paperSelectionPipelineRunsResumesAndRedoes() throws {
        let dir = NSTemporaryDirectory() + "pipe-\(UUID().uuidString)", store = dir + "/oneshot.db"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let config = try writeConfig("""
            name = "paper"
            work = "out"
            report = "report"
            [data]
            pool = "dsr_sub"
            synth = []
            import = ["\(shipped("one-shot-rlvr/dsr_sub.jsonl"))"]
            benchmark_synth = []
            benchmarks = ["amc23"]
            [probe]
            trajectories = "\(shipped("one-shot-rlvr/acc_step_500.json"))"
            [rank]
            select = [[1], [1, 13]]
            rows = 128
            [train]
            arms = []
            """, in: dir)
        let first = try run(["pipeline", config], store: store)
        #expect(first.status == 0, "\(first.stderr)")
        let lines = first.stdout.split(separator: "\n")
        #expect(lines.count == 7 && lines[0].hasPrefix("[1/6] data") && lines[5].hasPrefix("[6/6] report"), "\(first.stdout)")   // no train, no eval
        #expect(lines[0].contains("1209 examples"))
        #expect(first.stdout.contains("report: \(dir)/report/index.html"))
        // π1 (DSR-sub index 124) repeated to the batch size, and {π1, π13} (124, 682) in turn.
        let pi1 = try ParquetFile(path: dir + "/out/pi1_r128.parquet")
        #expect(pi1.rowCount == 128)
        let pair = try String(contentsOfFile: dir + "/out/logs/rank.log", encoding: .utf8)
        #expect(pair.contains("$ oneshot select") && FileManager.default.fileExists(atPath: dir + "/out/pi1_pi13_r128.parquet"))
        #expect(FileManager.default.fileExists(atPath: dir + "/report/index.html"))

        let again = try run(["pipeline", config], store: store)
        #expect(again.status == 0 && again.stdout.components(separatedBy: "done earlier").count == 7, "\(again.stdout)")
        let json = try run(["pipeline", config, "--json"], store: store)
        let stages = json.json["stages"] as? [[String: Any]] ?? []
        #expect(stages.map { $0["stage"] as? String } == ["data", "dedup", "decontaminate", "probe", "rank", "report"])
        #expect(stages.allSatisfy { $0["ran"] as? Bool == false } && json.json["report"] as? String == dir + "/report/index.html")

        let redo = try run(["pipeline", config, "--from", "rank"], store: store)
        #expect(redo.status == 0)
        #expect(redo.stdout.components(separatedBy: "done earlier").count == 5 && redo.stdout.contains("[5/6] rank          ranked by variance"))

        try (try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "rows = 128", with: "rows = 64"))
            .write(toFile: config, atomically: true, encoding: .utf8)
        let changed = try run(["pipeline", config], store: store)
        #expect(changed.status != 0 && changed.stderr.contains("stage rank finished earlier with another config; run with --from rank"))
    }

    @Test func pipelineConfigErrorsNameFileLineAndKey() throws {
        let dir = NSTemporaryDirectory() + "pipe-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let syntax = try run(["pipeline", try writeConfig("name = \"x\"\n[train]\nsteps = \n", in: dir)], store: dir + "/s.db")
        #expect(syntax.status != 0 && syntax.stderr.contains("pipeline.toml:3:"), "\(syntax.stderr)")
        let typo = try run(["pipeline", try writeConfig("[train]\nstep = 10\n", in: dir)], store: dir + "/s.db")
        #expect(typo.status != 0 && typo.stderr.contains("pipeline.toml: [train] step: unknown key"), "\(typo.stderr)")
        let arm = try run(["pipeline", try writeConfig("[train]\narms = [{ name = \"a\", pi = [1], random = 2 }]\n", in: dir)], store: dir + "/s.db")
        #expect(arm.status != 0 && arm.stderr.contains("arm 'a': give exactly one of"), "\(arm.stderr)")
        let type = try run(["pipeline", try writeConfig("[probe]\nepochs = \"eight\"\n", in: dir)], store: dir + "/s.db")
        #expect(type.status != 0 && type.stderr.contains("[probe] epochs: expected an integer, got string"), "\(type.stderr)")
    }

    /// Values with spaces, quotes and `$(...)` stay inert in the printed commands.
    @Test func dryRunQuotesEveryValue() throws {
        let dir = NSTemporaryDirectory() + "pipe $(touch PWNED) 'q'-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let config = try writeConfig("[data]\npool = \"my pool; rm -rf ~\"\n", in: dir)
        let dry = try run(["pipeline", config, "--dry-run"], store: dir + "/s.db")
        #expect(dry.status == 0)
        let importLine = try #require(dry.stdout.split(separator: "\n").first { $0.hasPrefix("oneshot import") })
        #expect(importLine.contains("--dataset 'my pool; rm -rf ~'"))
        // The shell reads each quoted value back as one argument, and runs nothing inside it.
        let echo = Process()
        echo.executableURL = URL(fileURLWithPath: "/bin/sh")
        echo.arguments = ["-c", "printf '%s\\n' " + importLine.dropFirst("oneshot ".count)]
        echo.currentDirectoryURL = URL(fileURLWithPath: dir)
        let pipe = Pipe()
        echo.standardOutput = pipe
        try echo.run()
        echo.waitUntilExit()
        let words = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        #expect(words.contains("my pool; rm -rf ~") && words.contains { $0.hasPrefix(dir) })
        #expect(!FileManager.default.fileExists(atPath: dir + "/PWNED"))
    }

    /// The built-in stages on a tiny policy: killed at some point, run again, everything finishes once.
    @Test func builtinPipelineSurvivesAKill() throws {
        let (dir, _, model) = try rlFixture()
        let store = dir + "/pipe.db"
        let config = try writeConfig("""
            name = "tiny"
            work = "out"
            report = "report"
            [data]
            synth = [{ family = "add", n = 4, seed = 1 }, { family = "sub", n = 4, seed = 1 }]
            benchmark_synth = [{ family = "add", n = 5, seed = 7777 }]
            [engine]
            model = "\(model)"
            threads = 1
            prompts_per_step = 4
            group_size = 3
            max_new_tokens = 12
            lr = 3e-3
            save_every = 1
            [probe]
            epochs = 2
            [train]
            steps = 3
            eval_every = 3
            eval_count = 2
            arms = [{ name = "pi1", pi = [1] }, { name = "full", pool = true }]
            [eval]
            samples = 2
            count = 3
            """, in: dir)
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["pipeline", config, "--store", store]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Killed once the training stage has started (its log exists), somewhere inside it.
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: dir + "/out/logs/train.log") && process.isRunning && Date() < deadline { usleep(20_000) }
        usleep(300_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the pipeline finished before it could be killed")

        let resumed = try run(["pipeline", config], store: store)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("[4/8] probe         done earlier") && resumed.stdout.contains("[8/8] report"), "\(resumed.stdout)")
        let s = try Store(path: store)
        #expect(try s.finishedStages(pipeline: "tiny").map(\.stage).sorted() == PipelineStageNames.all.sorted())
        let runs = try s.runs()
        #expect(Set(runs.map(\.name)) == ["probe", "pi1-s1", "full-s1", "base-eval", "pi1-s1-eval", "full-s1-eval"])
        #expect(runs.allSatisfy { $0.status == .done })
        #expect(try s.evaluations(runID: try s.requireRun(named: "pi1-s1-eval").id).allSatisfy { $0.samples == 2 && $0.problems == 3 })
        let html = try String(contentsOfFile: dir + "/report/index.html", encoding: .utf8)
        #expect(html.contains("id=\"runs\"") && html.contains("id=\"evaluations\"") && html.contains("Training dynamics"))
    }
}

enum PipelineStageNames {
    static let all = ["data", "dedup", "decontaminate", "probe", "rank", "train", "eval", "report"]
}
