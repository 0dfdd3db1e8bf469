import Foundation
import JSON
import Store

/// The files of a run folder that submitting, following and stopping use.
public struct VerlRunFolder: Sendable {
    public let directory: String
    public let runName: String
    public var script: String { directory + "/launch.sh" }
    public var slurmScript: String { directory + "/job.sbatch" }
    public var exitCodeFile: String { directory + "/logs/exit-code" }
    public var processGroupFile: String { directory + "/logs/job.pgid" }

    public init(directory: String, runName: String) {
        self.directory = directory
        self.runName = runName
    }
}

/// Where `oneshot submit` (or `launch --submit`) sends a prepared run.
public enum SubmissionTarget: Sendable {
    case local
    case ray(address: URL, tokenFile: String?)
    case slurm
}

/// The life of the store's verl runs: submit (again), look (state, logs and results), stop.
public struct VerlRuns {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// The run folder of a verl run prepared by `oneshot launch`.
    public func folder(of run: RunRecord) throws -> VerlRunFolder {
        guard run.engine == "verl", let directory = (try? JSONParser.parse(run.config))?["run_dir"]?.stringValue else {
            throw VerlReadError("run '\(run.name)' is not a verl run prepared by `oneshot launch`")
        }
        return VerlRunFolder(directory: directory, runName: run.name)
    }

    /// Sends the run to `target` and records the job (job.json) and its state. A run whose job is submitted or
    /// running is refused; a prepared, failed, stopped or lost one is (re)submitted.
    @discardableResult
    public func submit(_ run: RunRecord, to target: SubmissionTarget, now: String = Store.timestamp()) throws -> (job: VerlJob, message: String) {
        if let state = run.jobState, state == .submitted || state == .running {
            throw VerlReadError("run '\(run.name)' is \(state.rawValue) already; stop it first (oneshot stop \(Shell.quote(run.name)))")
        }
        let folder = try folder(of: run)
        try? FileManager.default.removeItem(atPath: folder.exitCodeFile)
        let job: VerlJob, message: String
        switch target {
        case .local:
            job = try VerlSubmit.local(folder, now: now)
            message = "started on this machine (process group \(job.processGroup ?? 0)); output in \(folder.directory)/logs/"
        case .ray(let address, let tokenFile):
            let client = RayJobsClient(address: address, token: try RayJobsClient.token(file: tokenFile))
            job = try VerlSubmit.ray(folder, client: client, tokenFile: tokenFile, now: now,
                                     suffix: String(UInt32.random(in: 0...UInt32.max), radix: 36))
            message = "submitted to Ray at \(address.absoluteString) as \(job.submissionID ?? "?")"
        case .slurm:
            job = try VerlSubmit.slurm(folder, now: now)
            message = "submitted to Slurm as job \(job.slurmJobID ?? "?")"
        }
        try job.save(in: folder.directory)
        try store.setJobState(runID: run.id, job.kind == .local ? .running : .submitted)
        return (job, message)
    }

    /// What one look found.
    public struct Look: Sendable {
        public let observation: JobObservation
        public let summary: VerlIngest.Summary
        /// The job's state as the store now records it.
        public let state: RunRecord.JobState?
    }

    /// Asks the job's state, brings a Ray job's log up to date, ingests what the folder holds, and records
    /// the state when the job system could tell it.
    public func look(_ run: RunRecord, timeout: TimeInterval = 30) throws -> Look {
        let folder = try folder(of: run)
        guard let job = try VerlJob.load(from: folder.directory) else {
            let summary = try VerlIngest(store: store, directory: folder.directory).run()
            return Look(observation: JobObservation(run.jobState, "not submitted (no job.json): submit it with oneshot submit"),
                        summary: summary, state: try store.requireRun(named: run.name).jobState)
        }
        let observation = try VerlSubmit.observe(job, directory: folder.directory, timeout: timeout)
        if observation.state != nil { try? VerlSubmit.saveLogs(of: job, directory: folder.directory, timeout: timeout) }
        let summary = try VerlIngest(store: store, directory: folder.directory).run()
        if let state = observation.state, state != run.jobState { try store.setJobState(runID: run.id, state) }
        return Look(observation: observation, summary: summary, state: try store.requireRun(named: run.name).jobState)
    }

    /// Stops the run's job; the next look records it stopped.
    public func stop(_ run: RunRecord) throws -> String {
        let folder = try folder(of: run)
        guard let job = try VerlJob.load(from: folder.directory) else {
            throw VerlReadError("run '\(run.name)' was never submitted (no job.json in \(folder.directory))")
        }
        return try VerlSubmit.stop(job)
    }

    /// Records the run lost (follow gave up on an unreachable job system).
    public func markLost(_ run: RunRecord) throws { try store.setJobState(runID: run.id, .lost) }
}
