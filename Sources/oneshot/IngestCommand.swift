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
            (the trajectories `oneshot rank` ranks). A line names its example by the reward module's ex_index \
            (verl 0.8's dumps); verl 0.9's V1 trainer keeps no reward fields in its rollout dumps, so its lines are \
            matched to the run's own data/train.parquet by prompt and answer (rows sharing both are credited \
            alike). A line that cannot be read goes to RUN_DIR/quarantine/rollouts.jsonl and the rest are kept; \
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
        summary = try VerlIngest(store: store, directory: path).run()
        if summary.rejectedRolloutLines > 0 {
            printError("warning: \(summary.rejectedRolloutLines) rollout line(s) could not be read, kept in \(path)/quarantine/rollouts.jsonl; "
                       + "the first: \(summary.firstRejection ?? "")")
        }
        if summary.sharedLines > 0 {
            printError("note: \(summary.sharedLines) rollout line(s) match several examples with the same prompt and answer: credited to each")
        }
        if !summary.unknownExamples.isEmpty {
            printError("warning: \(summary.unknownExamples.count) ex_index value(s) name no example of the run (\(summary.unknownExamples.sorted().prefix(5).joined(separator: ", "))): left out")
        }
        if options.json {
            printJSON(.object(JSONObject(["steps": .int(Int64(summary.steps)), "last_step": .int(Int64(summary.lastStep)),
                                          "points": .int(Int64(summary.points)), "evaluations": .int(Int64(summary.evaluations)),
                                          "unknown_examples": .int(Int64(summary.unknownExamples.count)),
                                          "rejected_validation_lines": .int(Int64(summary.rejectedValidationLines)),
                                          "rejected_rollout_lines": .int(Int64(summary.rejectedRolloutLines)),
                                          "matched_by_prompt": .int(Int64(summary.matchedByPrompt)), "shared_lines": .int(Int64(summary.sharedLines)),
                                          "metrics_source": .string(summary.metricsSource), "finished": .bool(summary.finished)])))
        } else {
            print("\(path): \(summary.steps) step(s) of metrics (\(summary.metricsSource)), \(summary.points) accuracy point(s), \(summary.evaluations) evaluation(s); last step \(summary.lastStep)\(summary.finished ? ", run finished" : "")")
        }
    }
}
