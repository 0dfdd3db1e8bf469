import ArgumentParser
import Engine
import Foundation
import JSON

extension TaskFamily: ExpressibleByArgument {}

/// `oneshot synth`: generated math problems with worked solutions, for the built-in policy.
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate math problems with worked solutions ending in \\boxed{answer}.",
        discussion: """
            Families: \(TaskFamily.allCases.map(\.rawValue).joined(separator: ", ")) (add3 is held out from \
            training, to measure cross-domain generalisation). Rows are {problem, solution, answer, family} \
            JSON lines that `oneshot import` reads. The same seed gives the same file.
            """)

    @Option(help: "The task family.")
    var family: TaskFamily

    @Option(help: "How many problems.")
    var n: Int

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    @Option(help: "The JSONL file to write.")
    var out: String

    @Flag(help: "Write the evaluation problems of the family instead (what train and eval measure with the same --seed, 7777 by default there), e.g. to decontaminate against them.")
    var heldOut = false

    func validate() throws {
        guard n > 0 else { throw ValidationError("--n must be positive") }
    }

    mutating func run() throws {
        var generator = TaskGenerator(seed: seed)
        let tasks = heldOut ? PolicyEvaluation.heldOutTasks(family, count: n, seed: seed) : generator.tasks(family, count: n)
        let lines = tasks.map { t in
            JSONValue.object(JSONObject(["problem": .string(t.problem), "solution": .string(t.solution), "answer": .string(t.answer),
                                         "family": .string(t.family.rawValue)])).serialized
        }
        do {
            try (lines.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
        } catch {
            throw ValidationError("cannot write \(out): \(error.localizedDescription)")
        }
        print("\(out): \(n) \(family.rawValue) \(heldOut ? "evaluation " : "")problems (seed \(seed))")
    }
}
