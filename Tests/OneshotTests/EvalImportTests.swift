import Foundation
import Testing

/// `oneshot eval import`: generations from elsewhere re-graded by our grader and stored as evaluations.
extension CLITests {
    func write(_ lines: [String], to path: String, trailingNewline: Bool = true) throws {
        try (lines.joined(separator: "\n") + (trailingNewline ? "\n" : "")).write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func evalImportRegradesStoresOnceAndQuarantines() throws {
        let store = freshStore(), dir = NSTemporaryDirectory() + "gen-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/val", withIntermediateDirectories: true)
        // Qwen2.5-Eval output: the file's own score says all wrong; our grader decides.
        try write([#"{"idx": 0, "question": "1+1?", "gt": "2", "code": ["so \\boxed{2}", "Let me recheck: \\boxed{3}", "\\boxed{3}", "\\boxed{\\frac{4}{2}}"], "score": [false, false, false, false]}"#,
                   #"{"idx": 1, "question": "2*3?", "gt": 6, "code": ["\\boxed{5}", "\\boxed{5}", "\\boxed{6}", "6"]}"#,
                   #"{"idx": 2, "question": "no gold", "code": ["x", "y", "z", "w"]}"#,
                   "{not json"], to: dir + "/qwen.jsonl")
        let qwen = try run(["eval", "import", dir + "/qwen.jsonl", "--format", "qwen-eval", "--run", "qwen-math", "--benchmark", "math500",
                            "--require-box", "--json"], store: store)
        #expect(qwen.status == 0, "\(qwen.stderr)")
        #expect(qwen.json["rejected"] as? Int == 2)
        #expect(qwen.stderr.contains("qwen.jsonl:3: field 'gt': missing"))
        #expect(qwen.stderr.contains("qwen.jsonl:4: invalid JSON"))
        let e = (qwen.json["evaluations"] as? [[String: Any]])?.first ?? [:]
        #expect(e["problems"] as? Int == 2 && e["samples"] as? Int == 4)
        #expect(e["accuracy"] as? Double == 3.0 / 8)          // 2 and 4/2 right; 6 right once (the unboxed 6 does not count)
        #expect(e["pass_at_k"] as? Double == 1)
        #expect(e["maj_at_k"] as? Double == 0)                 // the most frequent answers, 3 and 5, are wrong
        #expect(e["reflection_rate"] as? Double == 1.0 / 8)
        let kept = try String(contentsOfFile: (store as NSString).deletingPathExtension + ".quarantine/eval-import.qwen.jsonl.rejected", encoding: .utf8)
        #expect(kept.components(separatedBy: "\n").filter { !$0.isEmpty }.count == 2)

        // verl validation dumps: one file per step; the last line of a file still being written is cut short.
        try write([#"{"input":"user: 1+1","output":"\\boxed{2}","gts":"2","score":1.0,"step":0,"reward":1.0}"#,
                   #"{"input":"user: 2+2","output":"\\boxed{5}","gts":"4","score":0.0,"step":0,"reward":0.0}"#], to: dir + "/val/0.jsonl")
        try write([#"{"input":"user: 1+1","output":"\\boxed{2}","gts":"2","score":1.0,"step":20,"reward":1.0}"#,
                   #"{"input":"user: 2+2","output":"I verify: \\boxed{4}","gts":"4","score":1.0,"step":20,"reward":1.0}"#,
                   #"{"input":"user: 3+3","output":"\\boxed{6}","gt"#], to: dir + "/val/20.jsonl", trailingNewline: false)
        for _ in 0..<2 {   // importing twice stores the same rows once
            let verl = try run(["eval", "import", dir + "/val", "--format", "verl-validation", "--run", "verl-run", "--benchmark", "math500", "--json"],
                               store: store)
            #expect(verl.status == 0, "\(verl.stderr)")
            let steps = (verl.json["evaluations"] as? [[String: Any]] ?? []).map { ($0["step"] as? Int ?? -1, $0["accuracy"] as? Double ?? -1) }
            #expect(steps.map(\.0) == [0, 20] && steps.map(\.1) == [0.5, 1])
            #expect(verl.json["rejected"] as? Int == 0)   // the cut-short last line is left for when the file is complete
        }
        let report = try run(["report", "--out", dir + "/report", "--json"], store: store)
        #expect(report.status == 0, "\(report.stderr)")
        let markdown = try String(contentsOfFile: dir + "/report/report.md", encoding: .utf8)
        #expect(markdown.contains("verl-run") && markdown.contains("qwen-math"))

        // vLLM-style lines: one sample per line, grouped by problem; unequal k is refused.
        try write([#"{"prompt":"p1","answer":"7","outputs":[{"text":"\\boxed{7}"}]}"#, #"{"prompt":"p1","answer":"7","outputs":[{"text":"\\boxed{8}"}]}"#,
                   #"{"prompt":"p2","answer":"1","outputs":[{"text":"\\boxed{1}"}]}"#], to: dir + "/vllm.jsonl")
        let uneven = try run(["eval", "import", dir + "/vllm.jsonl", "--run", "vllm", "--benchmark", "gsm8k"], store: store)
        #expect(uneven.status != 0 && uneven.stderr.contains("between 1 and 2 responses"))
    }
}
