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
            The job is the one `oneshot submit` (or `launch --submit`) recorded in RUN_DIR/job.json: a local \
            process group, a Ray job or a Slurm job. Stop following at any time and start again: everything \
            ingested is in the store, and ingesting again adds nothing twice. A job the job system no longer \
            knows (Ray's 404) is lost; a dashboard or scheduler that does not answer is asked again, waiting \
            longer each time, for --give-up-after seconds, and then the run is recorded lost. The exit status is \
            the job's outcome: 0 when it succeeded, 1 when it failed, was stopped or was lost.
            """)

    @OptionGroup var options: StoreOptions

    @Argument(help: "The run's name.")
    var runName: String

    @Option(help: "Seconds between two looks.")
    var interval: Double = 30

    @Option(help: "Seconds to keep asking a job system that does not answer before giving the run up as lost.")
    var giveUpAfter: Double = 600

    @Flag(help: "Look once and return.")
    var once = false

    func validate() throws {
        guard interval > 0, giveUpAfter >= 0 else { throw ValidationError("--interval must be positive and --give-up-after not negative") }
    }

    mutating func run() throws {
        let store = try options.open()
        let runs = VerlRuns(store: store)
        var unanswered: Date?
        var wait = interval
        while true {
            let record = try store.requireRun(named: runName)
            let look = try runs.look(record)
            report(look, store: store, runID: record.id)
            if let state = look.state, state.isFinished, look.observation.state != nil {
                if state != .succeeded { throw ExitCode.failure }
                return
            }
            let job = try VerlJob.load(from: try runs.folder(of: record).directory)
            if once || job == nil { return }
            if look.observation.state == nil {
                let since = unanswered ?? Date()
                unanswered = since
                let left = giveUpAfter - Date().timeIntervalSince(since)
                if left <= 0 {
                    try runs.markLost(record)
                    printError("error: gave up on run '\(runName)' after \(Int(giveUpAfter)) s without an answer "
                               + "(last known state: \(record.shownState)): recorded lost; `oneshot submit` sends it again")
                    throw ExitCode.failure
                }
                wait = min(wait * 2, 300, max(left, 0.1))
            } else {
                unanswered = nil
                wait = interval
            }
            Thread.sleep(forTimeInterval: wait)
        }
    }

    private func report(_ look: VerlRuns.Look, store: Store, runID: Int64) {
        let state = look.observation.state?.rawValue ?? "unknown"
        let reward = (try? store.stepMetrics(runID: runID).last).flatMap { $0.flatMap { (try? JSONParser.parse($0.metrics))?["reward"]?.numberValue } }
        let s = look.summary
        if options.json {
            printJSON(.object(JSONObject(["run": .string(runName), "state": .string(state), "detail": .string(look.observation.detail),
                                          "last_step": .int(Int64(s.lastStep)), "points": .int(Int64(s.points)),
                                          "evaluations": .int(Int64(s.evaluations)), "reward": reward.map(JSONValue.double) ?? .null])))
        } else {
            print("\(Store.timestamp()) \(runName): \(state) (\(look.observation.detail)); step \(s.lastStep)"
                  + (reward.map { String(format: ", reward %.3f", $0) } ?? "") + ", \(s.points) accuracy points, \(s.evaluations) evaluations")
        }
        fflush(nil)
    }
}
