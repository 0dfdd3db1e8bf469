import ArgumentParser
import Corpus
import Selection
import Store
import JSON

extension TrajectoryFormat: ExpressibleByArgument {}

/// `oneshot trajectories`: per-example accuracy histories.
struct Trajectories: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Per-example accuracy histories (what ranking reads).",
        subcommands: [ImportHistories.self])

    /// `oneshot trajectories import FILE`: histories from One-Shot-RLVR or verl, as a probe run.
    struct ImportHistories: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import accuracy histories as a probe run over a dataset.",
            discussion: """
                one-shot-rlvr: an acc_step_*.json file (source index -> accuracies, one per appearance). \
                verl-rollouts: the folder of {step}.jsonl files written by trainer.rollout_data_dir, whose \
                lines carry the example's index as ex_index (oneshot's verl reward returns it). Histories \
                are joined to the dataset by source index (verl rows: extra_info.index). Nothing is \
                imported when any value or index is bad.
                """)

        @OptionGroup var options: StoreOptions

        @Argument(help: "The acc_step JSON file, or the rollout folder.")
        var path: String

        @Option(help: "one-shot-rlvr or verl-rollouts.")
        var format: TrajectoryFormat

        @Option(help: "The dataset the histories belong to.")
        var dataset: String

        @Option(name: .customLong("run"), help: "A name for the run.")
        var runName: String

        @Option(help: "Responses per prompt behind one-shot-rlvr accuracies (8 in the paper).")
        var samples: Int = 8

        func validate() throws {
            guard samples > 0 else { throw ValidationError("--samples must be positive") }
        }

        mutating func run() throws {
            let store = try options.open()
            guard let record = try store.datasets(named: [dataset]).first else { return }
            let result: (run: RunRecord, histories: Int, points: Int)
            do {
                result = try TrajectoryImport(store: store).run(path: path, format: format, dataset: record, runName: runName, samples: samples)
            } catch let error as TrajectoryError {
                throw ValidationError(error.message)
            }
            if options.json {
                printJSON(.object(JSONObject(["run": .string(result.run.name), "dataset": .string(dataset),
                                              "histories": .int(Int64(result.histories)), "points": .int(Int64(result.points))])))
            } else {
                print("run '\(result.run.name)': \(result.histories) histories, \(result.points) points from \(path) over '\(dataset)'")
            }
        }
    }
}
