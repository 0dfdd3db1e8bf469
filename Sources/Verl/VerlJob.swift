import Foundation
import JSON

/// Where a prepared verl run was sent, kept as RUN_DIR/job.json so that `oneshot follow` (stopped and started
/// again at will) can find it: a local process, a Ray job, or a Slurm job.
public struct VerlJob: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable { case local, ray, slurm }
    public var kind: Kind
    public var pid: Int32?
    public var address: String?
    public var submissionID: String?
    public var slurmJobID: String?
    public var submittedAt: String

    public static func path(in directory: String) -> String { directory + "/job.json" }

    public static func load(from directory: String) throws -> VerlJob? {
        guard let data = FileManager.default.contents(atPath: path(in: directory)) else { return nil }
        do { return try JSONDecoder().decode(VerlJob.self, from: data) } catch {
            throw VerlReadError("\(path(in: directory)): not a job record (\(error))")
        }
    }

    public func save(in directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try encoder.encode(self).write(to: URL(fileURLWithPath: VerlJob.path(in: directory)))
    }
}

/// A job's state, the same words for every kind of job.
public struct JobState: Equatable, Sendable {
    /// PENDING, RUNNING, SUCCEEDED, FAILED, STOPPED or UNKNOWN.
    public let state: String
    public let detail: String
    public var isFinished: Bool { ["SUCCEEDED", "FAILED", "STOPPED"].contains(state) }

    public init(state: String, detail: String) {
        self.state = state
        self.detail = detail
    }
}

/// Starting jobs and asking about them.
public enum VerlSubmit {
    /// Runs launch.sh on this machine in its own session (it outlives `oneshot`), output to logs/launch.out.
    public static func local(_ launch: VerlLaunch, now: String) throws -> VerlJob {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = ["bash", launch.script]
        process.currentDirectoryURL = URL(fileURLWithPath: launch.directory)
        let out = launch.directory + "/logs/launch.out"
        guard FileManager.default.createFile(atPath: out, contents: nil) else { throw VerlReadError("cannot write \(out)") }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return VerlJob(kind: .local, pid: process.processIdentifier, submittedAt: now)
    }

    /// Submits `bash launch.sh` to the Ray cluster at `address`, the environment in the job's runtime_env (so it
    /// reaches verl's TaskRunner and workers; the run folder must be on storage the cluster shares).
    public static func ray(_ launch: VerlLaunch, client: RayJobsClient, now: String, suffix: String) throws -> VerlJob {
        var env = JSONObject()
        for (name, value) in launch.environment { env[name] = .string(value) }
        let id = "oneshot-" + String(launch.runName.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" }.prefix(40)) + "-" + suffix
        let submitted = try client.submit(entrypoint: Shell.command(["bash", launch.script]),
                                          runtimeEnv: JSONObject(["env_vars": .object(env)]), submissionID: id,
                                          metadata: ["oneshot_run": launch.runName, "oneshot_run_dir": launch.directory])
        return VerlJob(kind: .ray, address: client.address.absoluteString, submissionID: submitted, submittedAt: now)
    }

    /// `sbatch --parsable` on the run's job.sbatch; the Slurm job id.
    public static func slurm(_ launch: VerlLaunch, now: String) throws -> VerlJob {
        let output = try run(["sbatch", "--parsable", "--output=\(launch.directory)/logs/slurm-%j.out", launch.slurmScript])
        guard let id = output.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }), !id.isEmpty else {
            throw VerlReadError("sbatch gave no job id: \(output.prefix(200))")
        }
        return VerlJob(kind: .slurm, slurmJobID: id, submittedAt: now)
    }

    /// The job's state now.
    public static func state(of job: VerlJob, directory: String, timeout: TimeInterval = 30) throws -> JobState {
        switch job.kind {
        case .local:
            if let text = try? String(contentsOfFile: directory + "/logs/exit-code", encoding: .utf8),
               let code = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return JobState(state: code == 0 ? "SUCCEEDED" : "FAILED", detail: "launch.sh exited with status \(code)")
            }
            if let pid = job.pid, kill(pid, 0) == 0 { return JobState(state: "RUNNING", detail: "process \(pid)") }
            return JobState(state: "FAILED", detail: "process \(job.pid.map(String.init) ?? "?") ended without an exit status (killed?)")
        case .ray:
            guard let address = job.address.flatMap(URL.init(string:)), let id = job.submissionID else { throw VerlReadError("job.json: a Ray job needs address and submissionID") }
            let status = try RayJobsClient(address: address, timeout: timeout).status(id)
            return JobState(state: status.status, detail: status.message ?? "")
        case .slurm:
            guard let id = job.slurmJobID else { throw VerlReadError("job.json: a Slurm job needs slurmJobID") }
            let queued = (try? run(["squeue", "-h", "-j", id, "-o", "%T"]))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            let slurm = queued.isEmpty ? ((try? run(["sacct", "-n", "-X", "-j", id, "-o", "State"]))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") : queued
            let word = slurm.split(separator: " ").first.map(String.init) ?? ""
            switch word {
            case "PENDING", "CONFIGURING": return JobState(state: "PENDING", detail: "Slurm job \(id): \(word)")
            case "RUNNING", "COMPLETING": return JobState(state: "RUNNING", detail: "Slurm job \(id): \(word)")
            case "COMPLETED": return JobState(state: "SUCCEEDED", detail: "Slurm job \(id): COMPLETED")
            case "CANCELLED": return JobState(state: "STOPPED", detail: "Slurm job \(id): CANCELLED")
            case "": return JobState(state: "UNKNOWN", detail: "Slurm job \(id): squeue and sacct know nothing of it")
            default: return JobState(state: "FAILED", detail: "Slurm job \(id): \(word)")
            }
        }
    }

    /// A Ray job's driver output so far, saved as logs/ray-job.log in the run folder (what `ray job logs` shows);
    /// nothing for other kinds of job, whose output is in the folder already.
    public static func saveLogs(of job: VerlJob, directory: String, timeout: TimeInterval = 30) throws {
        guard job.kind == .ray, let address = job.address.flatMap(URL.init(string:)), let id = job.submissionID else { return }
        let logs = try RayJobsClient(address: address, timeout: timeout).logs(id)
        try logs.write(toFile: directory + "/logs/ray-job.log", atomically: true, encoding: .utf8)
    }

    /// Runs a program found on PATH and returns its output; fails with its error output.
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw VerlReadError("\(arguments[0]) failed (status \(process.terminationStatus)): \(String(decoding: errors, as: UTF8.self).prefix(300))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
