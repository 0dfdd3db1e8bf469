import ArgumentParser
import Foundation
import JSON
import Verl

/// `oneshot ingest RUN_DIR`: a verl run's results, read back into the store (again and again while it runs).
struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a verl run folder back into the store: trajectories, metrics per step, evaluations.",
        discussion: """
            From RUN_DIR (written by `oneshot launch`): rollouts/{step}.jsonl -> each example's accuracy per step \
            (the trajectories `oneshot rank` ranks; the reward module's ex_index names the example); \
            logs/metrics*.jsonl (verl's file logger; logs/console.log when there is none) -> metrics per step \
            (reward, entropy, KL, response length, and verl's own keys); validation/{step}.jsonl -> evaluations \
            per step and benchmark, re-graded by our grader. Safe to run while verl writes: a line still being \
            written waits for the next ingest, and ingesting again adds nothing twice. A fork run's \
            acc_step_N_*.json under checkpoints/ is read when there are no rollout dumps. The run is marked done \
            when its last step is in.
            """)

    @OptionGroup var options: StoreOptions

    @Argument(help: "The run folder.")
    var directory: String

    mutating func run() throws {
        let store = try options.open()
        let path = URL(fileURLWithPath: directory).standardizedFileURL.path
        let summary: VerlIngest.Summary
        do { summary = try VerlIngest(store: store, directory: path).run() } catch let error as VerlReadError { throw ValidationError(error.description) }
        if !summary.unknownExamples.isEmpty {
            printError("warning: \(summary.unknownExamples.count) ex_index value(s) name no example of the run (\(summary.unknownExamples.sorted().prefix(5).joined(separator: ", "))): left out")
        }
        if options.json {
            printJSON(.object(JSONObject(["steps": .int(Int64(summary.steps)), "last_step": .int(Int64(summary.lastStep)),
                                          "points": .int(Int64(summary.points)), "evaluations": .int(Int64(summary.evaluations)),
                                          "unknown_examples": .int(Int64(summary.unknownExamples.count)),
                                          "rejected_validation_lines": .int(Int64(summary.rejectedValidationLines)),
                                          "metrics_source": .string(summary.metricsSource), "finished": .bool(summary.finished)])))
        } else {
            print("\(path): \(summary.steps) step(s) of metrics (\(summary.metricsSource)), \(summary.points) accuracy point(s), \(summary.evaluations) evaluation(s); last step \(summary.lastStep)\(summary.finished ? ", run finished" : "")")
        }
    }
}
