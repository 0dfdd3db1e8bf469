import ArgumentParser
import Engine
import Foundation
import Grading
import JSON
import Store

/// `oneshot eval checkpoint` (the default of `oneshot eval`): accuracy (avg@k) and pass@k of a built-in
/// checkpoint on datasets of the store or on the generated task families.
struct EvalCheckpoint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Evaluate a built-in checkpoint: accuracy (avg@k) and pass@k per dataset or task family.",
        discussion: """
            Each problem gets --samples responses (greedy when --temperature is 0, which needs --samples 1), \
            graded by the reward's rule (boxed answer required). pass@k is the share of problems with at least \
            one correct response among the k; maj@k the share whose most frequent answer is correct; --json adds \
            the unbiased pass@1. With --run the numbers are stored as an evaluation run.
            """)

    @OptionGroup var options: StoreOptions

    @Option(help: "Engine: builtin.")
    var engine: String = "builtin"

    @Option(help: "The checkpoint directory (a model from `engine pretrain` or a run's runs/NAME/checkpoint).")
    var checkpoint: String

    @Option(name: .customLong("dataset"), help: "A dataset of the store (repeatable). Default: every generated task family.")
    var datasets: [String] = []

    @Option(help: "Problems per task family (without --dataset).")
    var count: Int = 200

    @Option(help: "Responses per problem (k).")
    var samples: Int = 1

    @Option(help: "Sampling temperature (0: greedy).")
    var temperature: Double = 0

    @Option(help: "Seed of the generated problems and of sampling.")
    var seed: UInt64 = 7_777

    @Option(name: .customLong("run"), help: "Store the results as an evaluation run with this name.")
    var runName: String?

    @OptionGroup var engineOptions: EngineOptions

    func validate() throws {
        guard engine == "builtin" else { throw ValidationError("--engine \(engine): only builtin checkpoints are evaluated here") }
        guard samples > 0, count > 0, temperature >= 0 else { throw ValidationError("--samples and --count must be positive, --temperature ≥ 0") }
        if temperature == 0 && samples > 1 { throw ValidationError("greedy decoding gives one response; use --temperature > 0 with --samples \(samples)") }
    }

    mutating func run() throws {
        let loaded = try Checkpoint(directory: checkpoint).load()
        let store = datasets.isEmpty && runName == nil ? nil : try options.open()
        var sets: [(name: String, problems: [RLProblem])] = []
        if let store, !datasets.isEmpty {
            for record in try store.datasets(named: datasets) {
                let problems = try store.examples(datasetIDs: [record.id]).compactMap { e in e.answer.map { RLProblem(problem: e.problem, gold: $0) } }
                sets.append((record.name, problems))
            }
        } else {
            sets = TaskFamily.allCases.map { ("synth:" + $0.rawValue, PolicyEvaluation.heldOutProblems($0, count: count, seed: seed)) }
        }
        let grader = Grader(requireBox: true)
        let results = sets.map { set in
            (set.name, PolicyEvaluation.run(loaded.model, tokenizer: loaded.tokenizer, problems: set.problems, samples: samples,
                                            temperature: temperature, seed: seed) { verdict(grader, $0, $1) })
        }
        if let store, let runName {
            let run = try store.startRun(NewRun(name: runName, engine: "builtin", purpose: .eval, datasetID: nil,
                                                config: JSONValue.object(JSONObject(["checkpoint": .string(checkpoint), "samples": .int(Int64(samples)),
                                                                                     "temperature": .double(temperature)])).serialized,
                                                seed: Int64(bitPattern: seed)), examples: [])
            for (name, e) in results {
                try store.recordEvaluation(runID: run.id, EvaluationRecord(step: loaded.config.stepsDone, benchmark: name, problems: e.problems,
                                                                           samples: e.samples, correct: e.correct, solved: e.solved, boxed: e.boxed,
                                                                           meanLength: e.meanLength, temperature: temperature, majority: e.majority,
                                                                           reflective: e.reflective))
            }
            try store.finishRun(runID: run.id, status: .done)
        }
        if options.json {
            printJSON(.array(results.map { name, e in
                .object(JSONObject(["benchmark": .string(name), "problems": .int(Int64(e.problems)), "skipped": .int(Int64(e.skipped)),
                                    "samples": .int(Int64(e.samples)), "accuracy": .double(e.accuracy), "pass_at_k": .double(e.passRate),
                                    "pass_at_1": .double(e.passAt(1)), "maj_at_k": .double(e.majorityRate), "boxed": .double(e.boxedRate),
                                    "reflection_rate": .double(e.reflectionRate),
                                    "mean_length": .double(e.meanLength)]))
            }))
        } else {
            print("benchmark       problems  accuracy  pass@\(samples)   maj@\(samples)   boxed  length")
            for (name, e) in results {
                print(name.padding(toLength: 16, withPad: " ", startingAt: 0)
                      + String(format: "%8d  %7.1f%%  %6.1f%%  %5.1f%%  %5.1f%%  %6.1f", e.problems, 100 * e.accuracy, 100 * e.passRate,
                               100 * e.majorityRate, 100 * e.boxedRate, e.meanLength)
                      + (e.skipped > 0 ? "  (\(e.skipped) skipped: characters outside the alphabet)" : ""))
            }
        }
    }
}

/// The grader's verdict on a response and the answer it extracted, as ``PolicyEvaluation`` takes them.
func verdict(_ grader: Grader, _ gold: String, _ response: String) -> (correct: Bool, answer: String?) {
    let result = grader.grade(gold: gold, response: response)
    return (result.correct, result.extracted)
}
