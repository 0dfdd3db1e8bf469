import ArgumentParser
import Foundation
import JSON
import Store
import Verl

/// `oneshot follow RUN`: a verl run's job state and results, ingested as they appear, until the job ends.
struct Follow: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow a verl run: ask its job's state and ingest its new results every --interval seconds until it ends.",
        discussion: """
            The job is the one `oneshot launch --submit` recorded in RUN_DIR/job.json (a local process, a Ray \
            job or a Slurm job). Stop it at any time and start it again: everything it ingested is in the store, \
            and ingesting again adds nothing twice. When the job ends the run is marked done (or failed).
            """)

    @OptionGroup var options: StoreOptions

    @Argument(help: "The run's name.")
    var runName: String

    @Option(help: "Seconds between two looks.")
    var interval: Double = 30

    @Flag(help: "Look once and return.")
    var once = false

    mutating func run() throws {
        let store = try options.open()
        let record = try store.requireRun(named: runName)
        guard record.engine == "verl", let directory = (try? JSONParser.parse(record.config))?["run_dir"]?.stringValue else {
            throw ValidationError("run '\(runName)' is not a verl run prepared by `oneshot launch`")
        }
        let job: VerlJob?
        do { job = try VerlJob.load(from: directory) } catch let error as VerlReadError { throw ValidationError(error.description) }
        while true {
            let state: JobState
            do {
                state = try job.map { try VerlSubmit.state(of: $0, directory: directory) } ?? JobState(state: "UNKNOWN", detail: "not submitted by oneshot (no job.json)")
            } catch let error as RayError {
                state = JobState(state: "UNKNOWN", detail: error.description)
            }
            if let job { try? VerlSubmit.saveLogs(of: job, directory: directory) }   // a Ray job's driver log, when Ray answers
            let summary: VerlIngest.Summary
            do { summary = try VerlIngest(store: store, directory: directory).run() } catch let error as VerlReadError { throw ValidationError(error.description) }
            let last = try store.stepMetrics(runID: record.id).last.flatMap { (try? JSONParser.parse($0.metrics))?["reward"]?.numberValue }
            if options.json {
                printJSON(.object(JSONObject(["run": .string(runName), "state": .string(state.state), "detail": .string(state.detail),
                                              "last_step": .int(Int64(summary.lastStep)), "points": .int(Int64(summary.points)),
                                              "evaluations": .int(Int64(summary.evaluations)), "reward": last.map(JSONValue.double) ?? .null])))
            } else {
                print("\(Store.timestamp()) \(runName): \(state.state) (\(state.detail)); step \(summary.lastStep)"
                      + (last.map { String(format: ", reward %.3f", $0) } ?? "") + ", \(summary.points) accuracy points, \(summary.evaluations) evaluations")
            }
            fflush(nil)
            if state.isFinished {
                let status: RunRecord.Status = state.state == "SUCCEEDED" ? .done : .failed
                if try store.requireRun(named: runName).status != status { try store.finishRun(runID: record.id, status: status) }
                return
            }
            if once || job == nil { return }
            Thread.sleep(forTimeInterval: interval)
        }
    }
}
