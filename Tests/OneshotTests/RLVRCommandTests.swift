import Foundation
import Store
import Testing

/// probe -> rank -> train -> eval through the binary, on a tiny pretrained policy; and a killed run that
/// resumes to exactly what an uninterrupted one gives.
extension CLITests {
    /// A tiny base policy and a store with a 10-problem pool, in a fresh folder.
    func rlFixture() throws -> (dir: String, store: String, model: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let model = dir + "/base", store = dir + "/oneshot.db"
        let pretrained = try run(["engine", "pretrain", "--steps", "20", "--batch-size", "4", "--lr", "3e-3", "--layers", "1", "--channels", "16",
                                  "--heads", "2", "--context", "40", "--eval-count", "1", "--out", model], store: nil)
        #expect(pretrained.status == 0, "\(pretrained.stderr)")
        for family in ["add", "sub"] {
            #expect(try run(["synth", "--family", family, "--n", "5", "--seed", "3", "--out", "\(dir)/\(family).jsonl"], store: nil).status == 0)
        }
        #expect(try run(["import", "\(dir)/add.jsonl", "\(dir)/sub.jsonl", "--dataset", "pool"], store: store).status == 0)
        return (dir, store, model)
    }

    func rlFlags(_ model: String) -> [String] {
        ["--model", model, "--prompts-per-step", "4", "--group-size", "3", "--max-new-tokens", "12", "--lr", "3e-3"]
    }

    @Test func probeRankTrainEval() throws {
        let (dir, store, model) = try rlFixture()
        let probe = try run(["probe", "--dataset", "pool", "--epochs", "3", "--run", "probe", "--out", dir + "/runs/probe", "--json"] + rlFlags(model),
                            store: store)
        #expect(probe.status == 0, "\(probe.stderr)")
        #expect(probe.json["steps"] as? Int == 9)   // 10 examples, 4 per step: 3 steps an epoch
        let ranked = try run(["rank", "--run", "probe", "--json"], store: store)
        let rows = (try? JSONSerialization.jsonObject(with: Data(ranked.stdout.utf8))) as? [[String: Any]] ?? []
        #expect(rows.count == 10)
        #expect(rows.allSatisfy { ($0["history"] as? [Double])?.count == 3 })

        let train = try run(["train", "--ranking", "probe", "--pi", "1", "--steps", "4", "--eval-every", "2", "--eval-count", "3",
                             "--run", "pi1", "--out", dir + "/runs/pi1", "--json"] + rlFlags(model), store: store)
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.json["examples"] as? [Int] == [rows[0]["example_id"] as? Int ?? -1])
        let s = try Store(path: store)
        let pi1 = try s.requireRun(named: "pi1")
        #expect(pi1.status == .done && pi1.purpose == .train)
        #expect(Set(try s.evaluations(runID: pi1.id).map(\.step)) == [0, 2, 4])
        #expect(try s.evaluations(runID: pi1.id).count == 3 * 7)   // every family at steps 0, 2, 4
        #expect(try s.stepMetrics(runID: pi1.id).map(\.step) == [1, 2, 3, 4])
        #expect(try s.histories(runID: pi1.id).first?.points.map(\.sampled) == [12, 12, 12, 12])   // 4 prompts x 3 samples a step

        let eval = try run(["eval", "--checkpoint", dir + "/runs/pi1/checkpoint", "--dataset", "pool", "--samples", "2",
                            "--temperature", "1", "--run", "eval-pi1", "--json"], store: store)
        #expect(eval.status == 0, "\(eval.stderr)")
        let results = (try? JSONSerialization.jsonObject(with: Data(eval.stdout.utf8))) as? [[String: Any]] ?? []
        #expect(results.first?["problems"] as? Int == 10 && results.first?["samples"] as? Int == 2)
        let first = results.first ?? [:]
        #expect(first["pass_at_1"] as? Double == first["accuracy"] as? Double && first["maj_at_k"] is Double)
        #expect(try s.evaluations(runID: try s.requireRun(named: "eval-pi1").id).first?.step == 4)

        let clash = try run(["train", "--ranking", "probe", "--pi", "1", "--steps", "5", "--run", "pi1"] + rlFlags(model), store: store)
        #expect(clash.status != 0 && clash.stderr.contains("finished"))
    }

    /// A pool with a problem the policy cannot read (a character outside its alphabet) is refused by name
    /// before any training; eval skips such a problem and counts it.
    @Test func problemsOutsideTheAlphabetAreRefusedOrSkipped() throws {
        let (dir, store, model) = try rlFixture()
        try #"{"problem": "Compute é+1.", "answer": "2"}"#.write(toFile: dir + "/bad.jsonl", atomically: true, encoding: .utf8)
        #expect(try run(["import", dir + "/bad.jsonl", "--dataset", "bad"], store: store).status == 0)
        let probe = try run(["probe", "--dataset", "bad", "--epochs", "1", "--run", "bad", "--out", dir + "/runs/bad"] + rlFlags(model), store: store)
        #expect(probe.status != 0 && probe.stderr.contains("does not fit the built-in policy"), "\(probe.stderr)")
        #expect(try Store(path: store).run(named: "bad") == nil)   // nothing recorded
        let eval = try run(["eval", "--checkpoint", model, "--dataset", "bad", "--dataset", "pool", "--json"], store: store)
        #expect(eval.status == 0, "\(eval.stderr)")
        let results = (try? JSONSerialization.jsonObject(with: Data(eval.stdout.utf8))) as? [[String: Any]] ?? []
        #expect(results.map { $0["skipped"] as? Int } == [1, 0] && results.map { $0["problems"] as? Int } == [0, 10])
    }

    /// SIGKILL mid-run, then the same command again: the run ends with the very checkpoint, trajectories and
    /// evaluations of an uninterrupted run with the same flags.
    @Test(arguments: ["grpo", "ppo"]) func killedTrainingResumesToTheSameResult(algorithm: String) throws {
        let (dir, store, model) = try rlFixture()
        func args(_ name: String) -> [String] {
            ["train", "--dataset", "pool", "--steps", "24", "--eval-every", "1", "--eval-count", "2", "--save-every", "3", "--algorithm", algorithm,
             "--run", name, "--out", "\(dir)/runs/\(name)", "--store", store] + rlFlags(model)
        }
        #expect(try run(args("whole"), store: nil).status == 0)

        let process = Process()
        process.executableURL = Self.binary
        process.arguments = args("killed")
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let marker = "\(dir)/runs/killed/checkpoint/config.json"
        while process.isRunning && !FileManager.default.fileExists(atPath: marker) { usleep(2_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the run finished before it could be killed")
        let s = try Store(path: store)
        #expect(try s.requireRun(named: "killed").status == .running)

        let resumed = try run(args("killed"), store: nil)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming run 'killed' from step"))
        let whole = try s.requireRun(named: "whole"), killed = try s.requireRun(named: "killed")
        #expect(killed.status == .done)
        #expect(try s.evaluations(runID: killed.id) == s.evaluations(runID: whole.id))
        #expect(try s.histories(runID: killed.id) == s.histories(runID: whole.id))
        #expect(try s.stepMetrics(runID: killed.id).map(\.step) == Array(1...24))
        let a = FileManager.default.contents(atPath: "\(dir)/runs/whole/checkpoint/model.safetensors")
        let b = FileManager.default.contents(atPath: "\(dir)/runs/killed/checkpoint/model.safetensors")
        #expect(a != nil && a == b)
        if algorithm == "ppo" {
            for file in ["critic.safetensors", "value-head.safetensors"] {
                let x = FileManager.default.contents(atPath: "\(dir)/runs/whole/checkpoint/\(file)")
                #expect(x != nil && x == FileManager.default.contents(atPath: "\(dir)/runs/killed/checkpoint/\(file)"), "\(file)")
            }
        }
    }
}
