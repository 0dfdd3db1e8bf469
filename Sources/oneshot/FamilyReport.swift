import Engine
import Grading
import JSON

/// Greedy evaluation of a policy on every task family, as a table or JSON.
enum FamilyReport {
    /// Accuracy counts an answer right in `\boxed{}` or after a final "answer"; the reward needs the box.
    static func evaluate(_ model: GPT<Float>, tokenizer: CharTokenizer, count: Int, seed: UInt64,
                         temperature: Double = 0) -> [FamilyEvaluation] {
        let grader = Grader(requireBox: false)
        return Pretraining.evaluate(model, tokenizer: tokenizer, families: TaskFamily.allCases, count: count, seed: seed,
                                       temperature: temperature) {
            grader.grade(gold: $0, response: $1).correct
        }
    }

    /// One line per family; with `samples`, each family's first responses under it.
    static func table(_ evaluations: [FamilyEvaluation], samples: Bool = false) -> String {
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        var lines = ["family  held-out  problems  accuracy   boxed"]
        for e in evaluations {
            lines.append(pad(e.family.rawValue, 8) + pad(TaskFamily.training.contains(e.family) ? "no" : "yes", 10)
                         + String(format: "%8d  %7.1f%%  %5.1f%%", e.problems, 100 * e.accuracy, 100 * e.boxedRate))
            if samples { lines += e.samples.map { "    \($0.problem) -> \($0.response)" } }
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ evaluations: [FamilyEvaluation]) -> JSONValue {
        .array(evaluations.map { e in
            .object(JSONObject(["family": .string(e.family.rawValue), "held_out": .bool(!TaskFamily.training.contains(e.family)),
                                "problems": .int(Int64(e.problems)), "correct": .int(Int64(e.correct)),
                                "boxed": .int(Int64(e.boxed))]))
        })
    }
}
