import Foundation
import JSON

/// A client of Ray's Jobs REST API (the dashboard, port 8265): submit, status, logs, stop. Every failure says
/// what was asked of which address and what came back.
public struct RayJobsClient: Sendable {
    public let address: URL
    /// Seconds to wait for each answer.
    public let timeout: TimeInterval

    public init(address: URL, timeout: TimeInterval = 30) {
        self.address = address
        self.timeout = timeout
    }

    /// A job's state as Ray reports it: PENDING, RUNNING, STOPPED, SUCCEEDED or FAILED, and Ray's message.
    public struct Status: Equatable, Sendable {
        public let status: String
        public let message: String?
        /// Whether the job has ended (Ray's terminal states).
        public var isFinished: Bool { ["STOPPED", "SUCCEEDED", "FAILED"].contains(status) }
    }

    /// `POST /api/jobs/`: starts `entrypoint` with `runtimeEnv` (its `env_vars` reach every worker); returns the submission id.
    public func submit(entrypoint: String, runtimeEnv: JSONObject, submissionID: String, metadata: [String: String]) throws -> String {
        var meta = JSONObject()
        for (k, v) in metadata.sorted(by: { $0.key < $1.key }) { meta[k] = .string(v) }
        let body = JSONObject(["entrypoint": .string(entrypoint), "runtime_env": .object(runtimeEnv),
                               "submission_id": .string(submissionID), "metadata": .object(meta)])
        let reply = try request("POST", "api/jobs/", body: .object(body))
        guard let id = reply["submission_id"]?.stringValue ?? reply["job_id"]?.stringValue else {
            throw RayError("POST \(address.absoluteString)/api/jobs/: the answer has no submission_id: \(reply.serialized.prefix(200))")
        }
        return id
    }

    /// `GET /api/jobs/{id}`.
    public func status(_ id: String) throws -> Status {
        let reply = try request("GET", "api/jobs/\(escaped(id))")
        guard let status = reply["status"]?.stringValue else {
            throw RayError("GET \(address.absoluteString)/api/jobs/\(id): the answer has no status: \(reply.serialized.prefix(200))")
        }
        return Status(status: status, message: reply["message"]?.stringValue)
    }

    /// `GET /api/jobs/{id}/logs`: the driver's output so far.
    public func logs(_ id: String) throws -> String {
        let reply = try request("GET", "api/jobs/\(escaped(id))/logs")
        guard let logs = reply["logs"]?.stringValue else { throw RayError("GET \(address.absoluteString)/api/jobs/\(id)/logs: the answer has no logs") }
        return logs
    }

    /// `POST /api/jobs/{id}/stop`: whether Ray stopped it.
    public func stop(_ id: String) throws -> Bool {
        try request("POST", "api/jobs/\(escaped(id))/stop")["stopped"] == .bool(true)
    }

    private func escaped(_ id: String) -> String { id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_."))) ?? id }

    /// One request and its JSON answer, waited for synchronously.
    private func request(_ method: String, _ path: String, body: JSONValue? = nil) throws -> JSONValue {
        let url = address.appendingPathComponent(path)
        let what = "\(method) \(url.absoluteString)"
        let status: Int, data: Data
        do {
            (status, data) = try PlainHTTP.exchange(method, url, body: body.map { Data($0.serialized.utf8) }, timeout: timeout)
        } catch let failure as PlainHTTP.Failure {
            switch failure {
            case .timedOut: throw RayError("\(what): no answer within \(Int(timeout)) s")
            case .unsupported(let reason): throw RayError("\(what): \(reason)")
            case .unreachable(let reason): throw RayError("\(what): cannot reach Ray (\(reason)); is the dashboard at \(address.absoluteString)?")
            case .malformed(let reason): throw RayError("\(what): the answer is not HTTP (\(reason))")
            }
        }
        let text = String(decoding: data, as: UTF8.self)
        guard (200..<300).contains(status) else { throw RayError("\(what): Ray answered HTTP \(status): \(text.prefix(300))") }
        do { return try JSONParser.parse(text) } catch {
            throw RayError("\(what): the answer is not JSON (\(error.message) at byte \(error.offset)): \(text.prefix(120))")
        }
    }
}

/// What a Ray request failed with: the method, the URL and the reason.
public struct RayError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
