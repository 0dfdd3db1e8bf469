import ArgumentParser
import Selection
import Engine
import Foundation
import JSON
import Store

/// `oneshot train`: 1-shot, few-shot or full-pool RLVR on the built-in policy, evaluated as it goes.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "1-shot / few-shot / full-set GRPO on the built-in policy, with held-out evaluation every K steps.",
        discussion: """
            The examples: π ranks of a probe's ranking (--ranking RUN --pi 1,13), ids (--examples), K at random \
            (--random K with --dataset or --ranking), or a whole pool (--dataset alone). Chosen examples fill \
            every batch in turn (the paper repeats π1 to the batch size); a pool is visited epoch by epoch. \
            Every --eval-every steps (and at step 0) the policy answers --eval-count fresh problems of each task \
            family greedily, the held-out family included; accuracy counts boxed answers only (the reward's rule). \
            With --entropy-only the reward is ignored: only the entropy bonus and the KL move the policy. \
            A killed run resumes from its last checkpoint when started again with the same flags.
            """)

    @OptionGroup var options: StoreOptions
    @OptionGroup var rl: RLOptions

    @Option(help: "The probe run whose ranking names π_i (with --pi).")
    var ranking: String?

    @Option(help: "The ranking's score for --pi: variance (the paper's), limr, learnability or random.")
    var by: ScoreKind = .variance

    @Option(help: "Ranks to train on, e.g. 1 or 1,13.")
    var pi: String?

    @Option(help: "Example ids to train on.")
    var examples: String?

    @Option(help: "K examples at random (seeded by --seed).")
    var random: Int?

    @Option(help: "A dataset: the pool for --random, or, alone, the whole training set.")
    var dataset: String?

    @Option(help: "Training steps.")
    var steps: Int = 100

    @Option(help: "Evaluate every this many steps (0: never).")
    var evalEvery: Int = 10

    @Option(help: "Held-out problems per task family at each evaluation.")
    var evalCount: Int = 100

    @Flag(help: "Train on the entropy bonus alone (no reward).")
    var entropyOnly = false

    func validate() throws {
        guard steps > 0, evalEvery >= 0, evalCount > 0 else { throw ValidationError("--steps and --eval-count must be positive, --eval-every ≥ 0") }
        let chosen = [pi != nil, examples != nil, random != nil].filter { $0 }.count
        guard chosen <= 1 else { throw ValidationError("choose the examples with at most one of --pi, --examples or --random") }
        if chosen == 0 && dataset == nil { throw ValidationError("choose the examples: --pi (with --ranking), --examples, --random or --dataset") }
        if pi != nil && ranking == nil { throw ValidationError("--pi needs --ranking (the probe run whose ranking names π_i)") }
        if entropyOnly && rl.entropyCoef == 0 { throw ValidationError("--entropy-only needs a positive --entropy-coef") }
    }

    mutating func run() throws {
        let store = try options.open()
        let ids: [Int64], schedule: String, datasetID: Int64?
        if pi == nil && examples == nil && random == nil, let dataset {
            let record = try store.datasets(named: [dataset])[0]
            ids = try store.examples(datasetIDs: [record.id]).map(\.id)
            (schedule, datasetID) = ("epochs", record.id)
        } else {
            let chosen = try ExamplePicker(rankingRun: ranking, pi: pi, examples: examples, random: random, dataset: dataset,
                                           ranking: try RankingOptionGroup.parse(["--by", by.rawValue, "--seed", String(rl.seed)])).choose(store)
            ids = chosen.map(\.id)
            (schedule, datasetID) = ("repeat", chosen.first?.datasetID)
        }
        guard !ids.isEmpty else { throw ValidationError("no examples to train on") }
        let config = RLRunConfig(kind: "train", model: rl.model, training: rl.rlConfig(entropyOnly: entropyOnly), seed: rl.seed, steps: steps,
                                 examples: ids, schedule: schedule, evalEvery: evalEvery, evalCount: evalCount)
        let session = try RLSession(store: store, options: rl, config: config, purpose: .train, datasetID: datasetID)
        let start = Date()
        _ = try session.train(saveEvery: rl.saveEvery, progress: ProgressLine("train steps", total: steps))
        let seconds = Date().timeIntervalSince(start)
        let evaluations = try store.evaluations(runID: session.run.id)
        let first = evaluations.filter { $0.step == evaluations.first?.step }, last = evaluations.filter { $0.step == evaluations.last?.step }
        if options.json {
            func table(_ rows: [EvaluationRecord]) -> JSONValue {
                var object = JSONObject()
                for row in rows { object[row.benchmark] = .double(row.accuracy) }
                return .object(object)
            }
            printJSON(.object(JSONObject(["run": .string(rl.runName), "examples": .array(ids.map { .int($0) }), "steps": .int(Int64(steps)),
                                          "seconds": .double(seconds), "first_evaluation": table(first), "last_evaluation": table(last)])))
        } else {
            print(String(format: "train '%@': %d steps on %d example(s) in %.0f s", rl.runName, steps, ids.count, seconds))
            if !last.isEmpty {
                print("benchmark      step \(first[0].step)  step \(last[0].step)")
                for (a, b) in zip(first, last) {
                    print(a.benchmark.padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: "%6.1f%%  %6.1f%%", 100 * a.accuracy, 100 * b.accuracy))
                }
            }
        }
    }
}
