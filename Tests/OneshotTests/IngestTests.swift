import Foundation
import JSON
import Store
import Testing

/// `oneshot ingest`: verl's dumps and logs, as upstream writes them, back into the store.
extension CLITests {
    func append(_ lines: [String], to path: String, newline: Bool = true) throws {
        let text = lines.joined(separator: "\n") + (newline ? "\n" : "")
        if let handle = FileHandle(forWritingAtPath: path) {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
            try handle.close()
        } else {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    /// One rollout line per response, as `_dump_generations` writes it with our reward's keys.
    func rollout(step: Int, index: Int, score: Double) -> String {
        #"{"input":"system\nPlease reason step by step.\nuser\nQ\nassistant\n","output":"\\boxed{1}","gts":"1","score":\#(score),"step":\#(step),"acc":\#(score),"ex_index":"\#(index)","pred":"1","ex_source":"deepscaler"}"#
    }

    @Test func ingestReadsDumpsAndLogsIncrementallyAndOnce() throws {
        let dir = NSTemporaryDirectory() + "ingest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = dir + "/oneshot.db"
        #expect(try run(["import", shipped("one-shot-rlvr/dsr_sub.jsonl")], store: store).status == 0)
        let out = dir + "/probe"
        let launch = try run(["launch", "--preset", "paper-qwen2.5-math-1.5b-grpo-probe", "--dataset", "dsr_sub", "--out", out,
                              "--set", "trainer.total_training_steps=3"], store: store)
        #expect(launch.status == 0, "\(launch.stderr)")

        // Steps 1-3: examples 0-3, 8 responses each; 124 swings, 7 is always right, 9 never.
        let accuracy: [Int: [Int]] = [124: [1, 7, 2], 7: [8, 8, 8], 9: [0, 0, 0], 11: [4, 5, 4]]
        for step in 1...3 {
            var lines: [String] = []
            for (index, correct) in accuracy.sorted(by: { $0.key < $1.key }) {
                lines += (0..<8).map { rollout(step: step, index: index, score: $0 < correct[step - 1] ? 1.0 : 0.0) }
            }
            if step == 3 { lines.append(rollout(step: 3, index: 99_999, score: 1)) }   // an index the run does not have
            try append(lines, to: "\(out)/rollouts/\(step).jsonl")
        }
        try append([rollout(step: 4, index: 124, score: 1)].map { String($0.dropLast(10)) }, to: "\(out)/rollouts/4.jsonl", newline: false)
        // The file logger: a first attempt, then the restarted run's file (truncated by verl, so launch.sh kept the first).
        try append([#"{"step": 0, "data": {"val-core/math500/acc/mean@1": 0.36}}"#,
                    #"{"step": 1, "data": {"critic/score/mean": 0.3, "actor/entropy": 0.9, "actor/kl_loss": 0.0}}"#,
                    #"{"step": 2, "data": {"critic/score/mean": 0.1}}"#], to: out + "/logs/metrics.1764300000.jsonl")
        try append([#"{"step": 2, "data": {"critic/score/mean": 0.4, "actor/entropy": null, "response_length/mean": 612.5}}"#,
                    #"{"step": 3, "data": {"critic/score/mean": 0.45, "actor/kl_loss": 0.002}}"#], to: out + "/logs/metrics.jsonl")
        try append([#"{"input":"user: 1+1","output":"\\boxed{2}","gts":"2","score":1.0,"step":0,"reward":1.0,"acc":1.0,"ex_index":"0","pred":"2","ex_source":"math500"}"#,
                    #"{"input":"user: 2+2","output":"\\boxed{5}","gts":"4","score":0.0,"step":0,"reward":0.0,"acc":0.0,"ex_index":"1","pred":"5","ex_source":"math500"}"#],
                   to: out + "/validation/0.jsonl")

        let first = try run(["ingest", out, "--json"], store: store)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.json["steps"] as? Int == 3 && first.json["points"] as? Int == 12 && first.json["evaluations"] as? Int == 1)
        #expect(first.json["unknown_examples"] as? Int == 1 && first.stderr.contains("99999"))
        #expect(first.json["metrics_source"] as? String == "file logger" && first.json["finished"] as? Bool == true)
        let again = try run(["ingest", out, "--json"], store: store)
        #expect(again.json["points"] as? Int == 12 && again.json["steps"] as? Int == 3)

        let s = try Store(path: store)
        let record = try s.requireRun(named: "probe")
        #expect(record.status == .done && record.purpose == .probe)
        let metrics = try s.stepMetrics(runID: record.id)
        #expect(metrics.map(\.step) == [1, 2, 3])
        let step2 = try JSONParser.parse(metrics[1].metrics)
        #expect(step2["reward"]?.numberValue == 0.4 && step2["entropy"] == nil && step2["response_length"]?.numberValue == 612.5)
        let evaluations = try s.evaluations(runID: record.id)
        #expect(evaluations.map(\.benchmark) == ["math500"] && evaluations.first?.accuracy == 0.5)

        let ranked = try run(["rank", "--run", "probe", "--json", "--top", "2"], store: store)
        let rows = (try? JSONSerialization.jsonObject(with: Data(ranked.stdout.utf8))) as? [[String: Any]] ?? []
        #expect(rows.first?["source_index"] as? String == "124", "\(ranked.stdout.prefix(300))")

        // The cut-short line completes, and one more step arrives: the next ingest takes them, once.
        try append([String(rollout(step: 4, index: 124, score: 1).suffix(10))], to: "\(out)/rollouts/4.jsonl")
        let later = try run(["ingest", out, "--json"], store: store)
        #expect(later.json["points"] as? Int == 13)
    }

    /// A fork run's acc_step_N_*.json (under checkpoints/.../accuracy/) when there are no rollout dumps, and the
    /// console log when there is no file logger.
    @Test func ingestReadsForkAccuracyFilesAndTheConsoleLog() throws {
        let dir = NSTemporaryDirectory() + "ingest-fork-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = dir + "/oneshot.db"
        #expect(try run(["import", shipped("one-shot-rlvr/dsr_sub.jsonl")], store: store).status == 0)
        let out = dir + "/fork"
        #expect(try run(["launch", "--preset", "paper-qwen2.5-math-1.5b-grpo-probe", "--dataset", "dsr_sub", "--out", out], store: store).status == 0)
        let accuracy = out + "/checkpoints/verl_few_shot/dsr_sub/accuracy"
        try FileManager.default.createDirectory(atPath: accuracy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: shipped("one-shot-rlvr/acc_step_500.json"), toPath: accuracy + "/acc_step_500_0f3a.json")
        try append(["\u{1B}[36m(main_task pid=4242)\u{1B}[0m step:1 - critic/score/mean:0.412 - actor/entropy_loss:0.611",
                    "(main_task pid=4242) step:2 - critic/score/mean:0.453 - val/test_score/simplerl/math500:0.62"], to: out + "/logs/console.log")
        let ingest = try run(["ingest", out, "--json"], store: store)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.json["points"] as? Int == 64_000 && ingest.json["metrics_source"] as? String == "console log" && ingest.json["steps"] as? Int == 2)
        let ranked = try run(["rank", "--run", "fork", "--json", "--top", "13"], store: store)
        let rows = (try? JSONSerialization.jsonObject(with: Data(ranked.stdout.utf8))) as? [[String: Any]] ?? []
        #expect(rows.first?["source_index"] as? String == "124" && rows.last?["source_index"] as? String == "682")   // π1 and π13, as the paper
        let s = try Store(path: store)
        let metrics = try s.stepMetrics(runID: try s.requireRun(named: "fork").id)
        #expect(try JSONParser.parse(metrics[0].metrics)["entropy"]?.numberValue == 0.611)
    }

    /// A rollout line that cannot be read is reported with its file, line and field and quarantined, and the rest
    /// of the dump is kept; a broken metrics line stops the ingest with its file and line and changes nothing.
    @Test func ingestRefusesBrokenLinesByFileAndLine() throws {
        let dir = NSTemporaryDirectory() + "ingest-bad-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = try paperRankedStore(dir)
        let out = dir + "/run"
        #expect(try run(["launch", "--preset", "paper-qwen2.5-math-1.5b-grpo", "--run", "paper", "--pi", "1", "--out", out], store: store).status == 0)
        try append([rollout(step: 1, index: 124, score: 1), #"{"output": "no prompt", "score": 1.0, "step": 1}"#, "{broken",
                    rollout(step: 1, index: 124, score: 0)], to: out + "/rollouts/1.jsonl")
        let kept = try run(["ingest", out, "--json"], store: store)
        #expect(kept.status == 0 && kept.json["points"] as? Int == 1 && kept.json["rejected_rollout_lines"] as? Int == 2, "\(kept.stdout)")
        #expect(kept.stderr.contains("rollouts/1.jsonl:2: field 'input': missing"), "\(kept.stderr)")
        let quarantined = try String(contentsOfFile: out + "/quarantine/rollouts.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(quarantined.count == 2 && quarantined[1].contains(#""raw":"{broken""#) && quarantined[1].contains(#""line":3"#))
        let s0 = try Store(path: store)
        #expect(try s0.histories(runID: try s0.requireRun(named: "run").id).first?.points.map(\.sampled) == [2])
        try "".write(toFile: out + "/rollouts/1.jsonl", atomically: true, encoding: .utf8)
        try append(["{\"step\": 1, \"data\": {\"critic/score/mean\": 0.5}}", "{\"step\": 2, \"data\": {\"critic/score/mean\": 0.5"], to: out + "/logs/metrics.jsonl")
        let broken = try run(["ingest", out], store: store)
        #expect(broken.status != 0 && broken.stderr.contains("logs/metrics.jsonl:2: invalid JSON"), "\(broken.stderr)")
        let s = try Store(path: store)
        #expect(try s.stepMetrics(runID: try s.requireRun(named: "run").id).isEmpty)
    }
}

