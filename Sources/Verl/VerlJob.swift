import Foundation
import JSON
import Store

/// Where a prepared verl run was sent, kept as RUN_DIR/job.json so that `oneshot follow` and `oneshot stop`
/// (run at any time, again and again) can find it: a local process group, a Ray job, or a Slurm job.
public struct VerlJob: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable { case local, ray, slurm }
    public var kind: Kind
    /// A local job's process group (launch.sh leads it).
    public var processGroup: Int32?
    public var address: String?
    public var submissionID: String?
    /// The token file given at submission (the token itself is never written to the run folder).
    public var tokenFile: String?
    public var slurmJobID: String?
    public var submittedAt: String

    public init(kind: Kind, processGroup: Int32? = nil, address: String? = nil, submissionID: String? = nil,
                tokenFile: String? = nil, slurmJobID: String? = nil, submittedAt: String) {
        self.kind = kind
        self.processGroup = processGroup
        self.address = address
        self.submissionID = submissionID
        self.tokenFile = tokenFile
        self.slurmJobID = slurmJobID
        self.submittedAt = submittedAt
    }

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
        try encoder.encode(self).write(to: URL(fileURLWithPath: VerlJob.path(in: directory)), options: .atomic)
    }

    /// The Ray client for this job (its token from the recorded file, else the environment).
    func rayClient(timeout: TimeInterval) throws -> (client: RayJobsClient, id: String) {
        guard let address = address.flatMap(URL.init(string:)), let id = submissionID else {
            throw VerlReadError("job.json: a Ray job needs address and submissionID")
        }
        return (RayJobsClient(address: address, token: try RayJobsClient.token(file: tokenFile), timeout: timeout), id)
    }
}

/// What a look at a job found: its state when the job system could say, and what it said.
public struct JobObservation: Equatable, Sendable {
    /// nil when nobody could tell (the dashboard or the scheduler did not answer).
    public let state: RunRecord.JobState?
    public let detail: String

    public init(_ state: RunRecord.JobState?, _ detail: String) {
        self.state = state
        self.detail = detail
    }

    /// A local job's state from what launch.sh left: `exit N` or `signal NAME` when it ended, else whether
    /// its process group is still there.
    static func local(exitRecord: String?, processGroup: Int32?) -> JobObservation {
        if let record = exitRecord?.trimmingCharacters(in: .whitespacesAndNewlines), !record.isEmpty {
            let words = record.split(separator: " ")
            if words.first == "signal" { return JobObservation(.stopped, "launch.sh was stopped by SIG\(words.dropFirst().joined())") }
            if words.first == "exit", let code = words.last.flatMap({ Int($0) }) {
                return JobObservation(code == 0 ? .succeeded : .failed, "launch.sh exited with status \(code)")
            }
        }
        if let group = processGroup, kill(-group, 0) == 0 { return JobObservation(.running, "process group \(group)") }
        return JobObservation(.failed, "process group \(processGroup.map(String.init) ?? "?") ended without an exit status (killed?)")
    }

    /// A Ray job's state from Ray's word for it.
    static func ray(_ status: String, message: String?) -> JobObservation {
        let detail = "Ray: \(status)" + (message.map { ": \($0)" } ?? "")
        switch status {
        case "PENDING": return JobObservation(.submitted, detail)
        case "RUNNING": return JobObservation(.running, detail)
        case "SUCCEEDED": return JobObservation(.succeeded, detail)
        case "STOPPED": return JobObservation(.stopped, detail)
        case "FAILED": return JobObservation(.failed, detail)
        default: return JobObservation(nil, detail)
        }
    }

    /// A Slurm job's state from sacct's or squeue's word for it (nil for an empty answer).
    static func slurm(_ word: String, id: String, source: String) -> JobObservation? {
        let state = word.split(whereSeparator: { $0 == " " || $0 == "+" }).first.map(String.init) ?? ""
        let detail = "Slurm job \(id) (\(source)): \(word)"
        switch state {
        case "": return nil
        case "PENDING", "CONFIGURING", "REQUEUED", "RESV_DEL_HOLD", "SUSPENDED": return JobObservation(.submitted, detail)
        case "RUNNING", "COMPLETING", "STAGE_OUT", "SIGNALING", "RESIZING": return JobObservation(.running, detail)
        case "COMPLETED": return JobObservation(.succeeded, detail)
        case "CANCELLED": return JobObservation(.stopped, detail)
        default: return JobObservation(.failed, detail)
        }
    }
}
