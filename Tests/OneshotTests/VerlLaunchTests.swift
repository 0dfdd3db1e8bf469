import Foundation
import JSON
import Parquet
import Store
import Testing

/// `oneshot launch --engine verl`: the run folder, its record, and the reward module verl loads.
extension CLITests {
    /// A store with DSR-sub and the paper's ranking (run 'paper').
    func paperRankedStore(_ dir: String) throws -> String {
        let store = dir + "/oneshot.db"
        #expect(try run(["import", shipped("one-shot-rlvr/dsr_sub.jsonl")], store: store).status == 0)
        #expect(try run(["trajectories", "import", shipped("one-shot-rlvr/acc_step_500.json"), "--format", "one-shot-rlvr",
                         "--dataset", "dsr_sub", "--run", "paper"], store: store).status == 0)
        return store
    }

    @Test func launchPreparesTheRunFolderAndRecordsIt() throws {
        let dir = NSTemporaryDirectory() + "verl-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = try paperRankedStore(dir)
        let out = dir + "/runs/pi1 pi13 $(x)"
        let launch = try run(["launch", "--engine", "verl", "--preset", "paper-qwen2.5-math-1.5b-grpo", "--run", "paper", "--pi", "1,13",
                              "--out", out, "--name", "pi1-pi13", "--val", "math500", "amc23", "--set", "trainer.n_gpus_per_node=4", "--json"], store: store)
        #expect(launch.status == 0, "\(launch.stderr)")
        #expect(launch.json["train_rows"] as? Int == 128 && launch.json["validation_rows"] as? Int == 540)
        func rows(_ path: String) throws -> [JSONValue] {
            var all: [JSONValue] = []
            try ParquetFile(path: path).forEachRow { all.append($0) }
            return all
        }
        let train = try rows(out + "/data/train.parquet")
        let indices = train.compactMap { $0["extra_info"]?["index"]?.numberValue }.map { Int($0) }
        #expect(indices.count == 128 && Set(indices) == [124, 682] && indices.filter { $0 == 124 }.count == 64)
        let validation = try rows(out + "/data/validation.parquet")
        #expect(Set(validation.compactMap { $0["data_source"]?.stringValue }) == ["math500", "amc23"])
        let script = try String(contentsOfFile: out + "/launch.sh", encoding: .utf8)
        #expect(script.contains("'data.train_files='\\''\(out)/data/train.parquet'\\'''") && script.contains("trainer.n_gpus_per_node=4"))
        #expect(script.contains("export VERL_FILE_LOGGER_PATH='\(out)/logs/metrics.jsonl'"))
        // bash reads the script's command back as the exact arguments (nothing in the folder name runs).
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/bin/bash")
        check.arguments = ["-c", "python3() { if [ \"$1\" = -c ]; then echo 0.9.1; else printf '%s\\n' \"$@\" > args.txt; fi; }; "
                           + "tee() { cat > /dev/null; }; source launch.sh"]
        check.currentDirectoryURL = URL(fileURLWithPath: out)
        try check.run()
        check.waitUntilExit()
        let args = try String(contentsOfFile: out + "/args.txt", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(args.prefix(2) == ["-m", "verl.trainer.main_ppo"] && args.contains("data.train_files='\(out)/data/train.parquet'"))
        #expect(!FileManager.default.fileExists(atPath: out + "/x"))

        let s = try Store(path: store)
        let record = try s.requireRun(named: "pi1-pi13")
        #expect(record.engine == "verl" && record.purpose == .train && record.status == .running && record.jobState == .prepared)
        #expect(try String(contentsOfFile: out + "/manifest.json", encoding: .utf8).contains(#""verl_version":"0.9.1""#))
        #expect(record.inputs.contains("train.parquet") && record.config.contains("paper-qwen2.5-math-1.5b-grpo"))
        // --dry-run prints the command (VerlTests composes every preset with verl's own config) and writes nothing.
        let dry = try run(["launch", "--preset", "paper-qwen2.5-math-1.5b-grpo", "--run", "paper", "--pi", "1", "--out", dir + "/dry", "--dry-run"], store: store)
        #expect(dry.status == 0 && !FileManager.default.fileExists(atPath: dir + "/dry"))
        let keys = dry.stdout.split(separator: "\n").dropFirst(2).map { String($0.trimmingCharacters(in: CharacterSet(charactersIn: " '")).split(separator: "=")[0]) }
        #expect(keys.contains("reward.custom_reward_function.path") && keys.contains("reward.reward_manager.name"), "\(keys)")
        #expect(keys.contains("++ray_kwargs.ray_init.runtime_env.env_vars.VERL_FILE_LOGGER_PATH"))
        #expect(!keys.contains("custom_reward_function.path") && !keys.contains("reward_model.reward_manager"))
        let again = try run(["launch", "--preset", "paper-qwen2.5-math-1.5b-grpo", "--run", "paper", "--pi", "1", "--out", out, "--name", "pi1-pi13"], store: store)
        #expect(again.status != 0 && again.stderr.contains("exists already"))
    }

    /// The reward module under the system Python, against the built binary, on the labelled grading corpus:
    /// the same verdicts as `oneshot grade`, and only float and str values (numpy ints and bools crash verl's dump).
    @Test func rewardModuleGradesLikeOneshotGrade() throws {
        let dir = NSTemporaryDirectory() + "reward-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = try paperRankedStore(dir)
        #expect(try run(["launch", "--preset", "paper-qwen2.5-math-1.5b-grpo", "--run", "paper", "--pi", "1", "--out", dir + "/run",
                         "--grader", Self.binary.path], store: store).status == 0)
        let cases = Self.root.deletingLastPathComponent().appendingPathComponent("shared/datasets/grading/cases.jsonl").path
        let script = """
            import importlib.util, json, sys
            spec = importlib.util.spec_from_file_location("reward", sys.argv[1])
            reward = importlib.util.module_from_spec(spec); spec.loader.exec_module(reward)
            for i, line in enumerate(open(sys.argv[2], encoding="utf-8")):
                case = json.loads(line)
                r = reward.compute_score("deepscaler", case["prediction"], case["gold"], {"index": i, "split": "train"})
                assert set(r) == {"score", "acc", "pred", "ex_index", "ex_source"}, r
                assert all(type(v) in (float, str) for v in r.values()), r
                assert r["ex_index"] == str(i) and r["score"] == r["acc"]
                print(json.dumps(r["score"] == 1.0))
            """
        try script.write(toFile: dir + "/check.py", atomically: true, encoding: .utf8)
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", dir + "/check.py", dir + "/run/reward.py", cases]
        let out = dir + "/python.txt"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        python.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        try python.run()
        python.waitUntilExit()
        #expect(python.terminationStatus == 0)
        let fromPython = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { $0 == "true" }
        let graded = try run(["grade", cases, "--json", "--require-box"], store: nil)
        let fromGrade = graded.stdout.split(separator: "\n").map { line in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["correct"] as? Bool ?? false
        }
        #expect(fromPython.count == 2983 && fromPython == fromGrade)
        #expect(fromPython.filter { $0 }.count > 1000)
    }
}
