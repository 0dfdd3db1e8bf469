import Foundation
import JSON

/// Starting jobs, asking about them and stopping them.
public enum VerlSubmit {
    /// Runs launch.sh on this machine in a session of its own (it outlives `oneshot`, output to
    /// logs/launch.out) and records its process group, which launch.sh writes as it starts.
    public static func local(_ launch: VerlRunFolder, now: String) throws -> VerlJob {
        try? FileManager.default.removeItem(atPath: launch.processGroupFile)
        let process = Process()
        // Signals this process ignores would stay ignored in launch.sh, and bash cannot trap a signal ignored on
        // entry: `oneshot stop` must reach it whatever started oneshot (env restores their default handling).
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--default-signal=TERM,INT,HUP", "setsid", "--wait", "bash", launch.script]
        process.currentDirectoryURL = URL(fileURLWithPath: launch.directory)
        let out = launch.directory + "/logs/launch.out"
        guard FileManager.default.createFile(atPath: out, contents: nil) else { throw VerlReadError("cannot write \(out)") }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: launch.processGroupFile, encoding: .utf8),
               let group = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return VerlJob(kind: .local, processGroup: group, submittedAt: now)
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let output = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        throw VerlReadError("launch.sh did not start (\(process.isRunning ? "no process group after 10 s" : "it exited")): \(output.suffix(300))")
    }

    /// Submits `bash launch.sh` to the Ray cluster; launch.sh exports the job's variables and hands them to
    /// verl's `ray.init`, so the job's own runtime_env adds none (Ray refuses the same variable in both).
    /// The run folder must be on storage the cluster shares.
    public static func ray(_ launch: VerlRunFolder, client: RayJobsClient, tokenFile: String?, now: String, suffix: String) throws -> VerlJob {
        let slug = String(launch.runName.unicodeScalars.map { Shell.isPlain($0) && !"./=:,@%+_".unicodeScalars.contains($0) ? Character($0) : "-" }
            .prefix(40))
        let submitted = try client.submit(entrypoint: Shell.command(["bash", launch.script]), runtimeEnv: JSONObject(),
                                          submissionID: "oneshot-\(slug)-\(suffix)",
                                          metadata: ["oneshot_run": launch.runName, "oneshot_run_dir": launch.directory])
        return VerlJob(kind: .ray, address: client.address.absoluteString, submissionID: submitted, tokenFile: tokenFile, submittedAt: now)
    }

    /// `sbatch --parsable` on the run's job.sbatch; the Slurm job id.
    public static func slurm(_ launch: VerlRunFolder, now: String) throws -> VerlJob {
        let output = try run(["sbatch", "--parsable", "--output=\(launch.directory)/logs/slurm-%j.out", launch.slurmScript])
        guard let id = output.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }), !id.isEmpty else {
            throw VerlReadError("sbatch gave no job id: \(output.prefix(200))")
        }
        return VerlJob(kind: .slurm, slurmJobID: id, submittedAt: now)
    }

    /// The job's state now. A Ray job Ray no longer knows (404) is lost; an unreachable dashboard is a nil
    /// state (worth asking again). A Slurm job is asked of sacct, then `squeue -t all`, then the exit record
    /// launch.sh left in the run folder.
    public static func observe(_ job: VerlJob, directory: String, timeout: TimeInterval = 30) throws -> JobObservation {
        let exitRecord = try? String(contentsOfFile: directory + "/logs/exit-code", encoding: .utf8)
        switch job.kind {
        case .local:
            return JobObservation.local(exitRecord: exitRecord, processGroup: job.processGroup)
        case .ray:
            let (client, id) = try job.rayClient(timeout: timeout)
            do {
                let status = try client.status(id)
                return JobObservation.ray(status.status, message: status.message)
            } catch let error as RayError where error.status == 404 {
                return JobObservation(.lost, "Ray at \(client.address.absoluteString) has no job \(id) (HTTP 404)")
            } catch let error as RayError where error.unreachable || (error.status ?? 0) >= 500 {
                return JobObservation(nil, error.description)
            }
        case .slurm:
            guard let id = job.slurmJobID else { throw VerlReadError("job.json: a Slurm job needs slurmJobID") }
            var said: [String] = []
            do {
                let line = try run(["sacct", "-n", "-X", "-P", "-j", id, "-o", "State"]).split(separator: "\n").first.map(String.init) ?? ""
                if let seen = JobObservation.slurm(line.trimmingCharacters(in: .whitespaces), id: id, source: "sacct") { return seen }
                said.append("sacct knows no such job")
            } catch { said.append("sacct: \(error)") }
            do {
                let line = try run(["squeue", "-h", "-t", "all", "-j", id, "-o", "%T"]).trimmingCharacters(in: .whitespacesAndNewlines)
                if let seen = JobObservation.slurm(line, id: id, source: "squeue") { return seen }
                said.append("squeue knows no such job")
            } catch { said.append("squeue: \(error)") }
            let ended = JobObservation.local(exitRecord: exitRecord, processGroup: nil)
            if exitRecord != nil { return JobObservation(ended.state, ended.detail + " (Slurm job \(id); \(said.joined(separator: "; ")))") }
            return JobObservation(nil, "Slurm job \(id): neither sacct nor squeue can tell (\(said.joined(separator: "; ")))")
        }
    }

    /// Stops the job: SIGTERM to a local process group, Ray's stop, or `scancel`.
    public static func stop(_ job: VerlJob, timeout: TimeInterval = 30) throws -> String {
        switch job.kind {
        case .local:
            guard let group = job.processGroup else { throw VerlReadError("job.json: a local job needs processGroup") }
            guard kill(-group, SIGTERM) == 0 else {
                throw VerlReadError("process group \(group): \(String(cString: strerror(errno))) (has it ended already?)")
            }
            return "sent SIGTERM to process group \(group)"
        case .ray:
            let (client, id) = try job.rayClient(timeout: timeout)
            return try client.stop(id) ? "Ray is stopping job \(id)" : "Ray job \(id) had ended already"
        case .slurm:
            guard let id = job.slurmJobID else { throw VerlReadError("job.json: a Slurm job needs slurmJobID") }
            _ = try run(["scancel", id])
            return "scancel \(id)"
        }
    }

    /// A Ray job's driver output, brought up to date in logs/ray-job.log (what `ray job logs` shows; only what
    /// is new is fetched); nothing for other kinds of job, whose output is in the folder already.
    public static func saveLogs(of job: VerlJob, directory: String, timeout: TimeInterval = 30) throws {
        guard job.kind == .ray else { return }
        let (client, id) = try job.rayClient(timeout: timeout)
        let node = try client.status(id).driverNodeID
        try RayJobLog.update(directory + "/logs/ray-job.log", client: client, id: id, driverNode: node)
    }

    /// Runs a program found on PATH and returns its output; fails with its error output.
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw VerlReadError("\(arguments[0]): cannot run it (\(error.localizedDescription))") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw VerlReadError("\(arguments[0]) failed (status \(process.terminationStatus)): \(message.prefix(300))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
