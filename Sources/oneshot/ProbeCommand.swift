import ArgumentParser
import Engine
import Foundation
import JSON
import Store

/// `oneshot probe`: a short RLVR pass over a whole pool that records every example's accuracy at every epoch.
struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "RLVR over a whole pool, recording each example's training accuracy per epoch (for `rank`).",
        discussion: """
            GRPO on the built-in policy: every epoch visits each example of --dataset once, in a shuffled order, \
            --prompts-per-step examples per step with --group-size samples each; the share of an example's \
            samples the grader accepts (boxed answer required) is its accuracy at that epoch, stored as the \
            run's trajectory, so `oneshot rank --run NAME` ranks the pool by historical variance. A killed probe \
            resumes from its last checkpoint when started again with the same flags.
            """)

    @OptionGroup var options: StoreOptions
    @OptionGroup var rl: RLOptions

    @Option(help: "The pool: a dataset in the store.")
    var dataset: String

    @Option(help: "Passes over the pool.")
    var epochs: Int = 10

    func validate() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be positive") }
    }

    mutating func run() throws {
        let store = try options.open()
        let record = try store.datasets(named: [dataset])[0]
        let examples = try store.examples(datasetIDs: [record.id]).map(\.id)
        guard !examples.isEmpty else { throw ValidationError("dataset '\(dataset)' has no examples") }
        let perEpoch = (examples.count + rl.promptsPerStep - 1) / rl.promptsPerStep
        let config = RLRunConfig(kind: "probe", model: rl.model, training: rl.rlConfig(), seed: rl.seed, steps: epochs * perEpoch,
                                 examples: examples, schedule: "epochs", evalEvery: 0, evalCount: 0)
        let session = try RLSession(store: store, options: rl, config: config, purpose: .probe, datasetID: record.id)
        let start = Date()
        let log = try session.train(saveEvery: rl.saveEvery, progress: ProgressLine("probe steps", total: config.steps))
        let seconds = Date().timeIntervalSince(start)
        let rewards = log.map { $0.metrics["reward"]?.numberValue ?? 0 }
        if options.json {
            printJSON(.object(JSONObject(["run": .string(rl.runName), "examples": .int(Int64(examples.count)), "epochs": .int(Int64(epochs)),
                                          "steps": .int(Int64(config.steps)), "seconds": .double(seconds),
                                          "first_epoch_reward": .double(mean(rewards.prefix(perEpoch))),
                                          "last_epoch_reward": .double(mean(rewards.suffix(perEpoch)))])))
        } else {
            print(String(format: "probe '%@': %d examples x %d epochs (%d steps) in %.0f s; reward %.3f in the first epoch, %.3f in the last",
                         rl.runName, examples.count, epochs, config.steps, seconds, mean(rewards.prefix(perEpoch)), mean(rewards.suffix(perEpoch))))
            print("next: oneshot rank --run \(rl.runName)")
        }
    }
}

/// The mean of some numbers (0 when there are none).
func mean<C: Collection>(_ values: C) -> Double where C.Element == Double {
    values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
}
