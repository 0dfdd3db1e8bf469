import Foundation
import JSON

/// A client of Ray's Jobs REST API (the dashboard, port 8265): submit, status, logs, stop. Every failure says
/// what was asked of which address and what came back. With a token (clusters started with
/// `RAY_AUTH_MODE=token`) every request carries `Authorization: Bearer TOKEN`, as Ray's own clients send it.
public struct RayJobsClient: Sendable {
    public let address: URL
    /// Seconds to wait for each answer.
    public let timeout: TimeInterval
    let token: String?

    public init(address: URL, token: String? = nil, timeout: TimeInterval = 30) {
        self.address = address
        self.token = token
        self.timeout = timeout
    }

    /// The token to use, looked up as Ray's own clients do: the file given, else `RAY_AUTH_TOKEN`, else the file
    /// `RAY_AUTH_TOKEN_PATH` names, else `~/.ray/auth_token` (where Ray 2.60's `ray start --head` saves the token
    /// it generates); nil when there is none.
    public static func token(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        func read(_ path: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: path) else { throw RayError("\(path): cannot read the Ray token file") }
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw RayError("\(path): the Ray token file is empty") }
            return text
        }
        if let file { return try read(file) }
        if let value = environment["RAY_AUTH_TOKEN"]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty { return value }
        if let path = environment["RAY_AUTH_TOKEN_PATH"], !path.isEmpty { return try read(path) }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let standard = home + "/.ray/auth_token"
        return FileManager.default.fileExists(atPath: standard) ? try read(standard) : nil
    }

    /// A job's state as Ray reports it: PENDING, RUNNING, STOPPED, SUCCEEDED or FAILED, Ray's message, and the
    /// node its driver runs on (for reading its log).
    public struct Status: Equatable, Sendable {
        public let status: String
        public let message: String?
        public let driverNodeID: String?
        /// Whether the job has ended (Ray's terminal states).
        public var isFinished: Bool { ["STOPPED", "SUCCEEDED", "FAILED"].contains(status) }
    }

    /// Checks that `address` is an address this client can reach: `http://HOST[:PORT]` (Ray's dashboard).
    public static func validate(address text: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), url.host?.isEmpty == false else {
            throw RayError("\(text): not an address; give the Ray dashboard as http://HEAD:8265")
        }
        switch scheme {
        case "http": return url
        case "ray": throw RayError("\(text): ray:// is Ray Client's port (10001); jobs go to the dashboard, http://HEAD:8265")
        default: throw RayError("\(text): only http:// is supported (reach an https dashboard through a tunnel: ssh -L 8265:localhost:8265 HEAD)")
        }
    }

    /// `POST /api/jobs/`: starts `entrypoint` with `runtimeEnv`; returns the submission id.
    public func submit(entrypoint: String, runtimeEnv: JSONObject, submissionID: String, metadata: [String: String]) throws -> String {
        var meta = JSONObject()
        for (k, v) in metadata.sorted(by: { $0.key < $1.key }) { meta[k] = .string(v) }
        let body = JSONObject(["entrypoint": .string(entrypoint), "runtime_env": .object(runtimeEnv),
                               "submission_id": .string(submissionID), "metadata": .object(meta)])
        let reply = try json(request("POST", "api/jobs/", body: .object(body)))
        guard let id = reply.value["submission_id"]?.stringValue ?? reply.value["job_id"]?.stringValue else {
            throw RayError("\(reply.what): the answer has no submission_id: \(reply.value.serialized.prefix(200))")
        }
        return id
    }

    /// `GET /api/jobs/{id}`; a job Ray does not know fails with ``RayError/status`` 404.
    public func status(_ id: String) throws -> Status {
        let reply = try json(request("GET", "api/jobs/\(escaped(id))"))
        guard let status = reply.value["status"]?.stringValue else {
            throw RayError("\(reply.what): the answer has no status: \(reply.value.serialized.prefix(200))")
        }
        return Status(status: status, message: reply.value["message"]?.stringValue, driverNodeID: reply.value["driver_node_id"]?.stringValue)
    }

    /// `GET /api/jobs/{id}/logs`: the driver's whole output so far.
    public func logs(_ id: String) throws -> String {
        let reply = try json(request("GET", "api/jobs/\(escaped(id))/logs"))
        guard let logs = reply.value["logs"]?.stringValue else { throw RayError("\(reply.what): the answer has no logs") }
        return logs
    }

    /// The last `lines` lines of the driver's output, from Ray's log API (`GET /api/v0/logs/file` on the
    /// driver's node): what a look at a long-running job costs is what it asks for, not the whole log.
    public func logTail(_ id: String, node: String, lines: Int) throws -> String {
        let query = "node_id=\(escaped(node))&submission_id=\(escaped(id))&lines=\(lines)"
        return String(decoding: try request("GET", "api/v0/logs/file?" + query).body, as: UTF8.self)
    }

    /// `POST /api/jobs/{id}/stop`: whether Ray stopped it (false when it had ended already).
    public func stop(_ id: String) throws -> Bool {
        try json(request("POST", "api/jobs/\(escaped(id))/stop")).value["stopped"] == .bool(true)
    }

    private func escaped(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_."))) ?? id
    }

    /// One request; any status outside 2xx is an error naming the request and Ray's answer.
    private func request(_ method: String, _ path: String, body: JSONValue? = nil) throws -> (what: String, body: Data) {
        let base = address.absoluteString.hasSuffix("/") ? String(address.absoluteString.dropLast()) : address.absoluteString
        guard let url = URL(string: base + "/" + path) else { throw RayError("\(base)/\(path): not a URL") }
        let what = "\(method) \(url.absoluteString)"
        let status: Int, data: Data
        do {
            (status, data) = try PlainHTTP.exchange(method, url, body: body.map { Data($0.serialized.utf8) },
                                                    headers: token.map { [("Authorization", "Bearer " + $0)] } ?? [], timeout: timeout)
        } catch let failure as PlainHTTP.Failure {
            switch failure {
            case .timedOut: throw RayError("\(what): no answer within \(Int(timeout)) s", unreachable: true)
            case .unsupported(let reason): throw RayError("\(what): \(reason)")
            case .unreachable(let reason):
                throw RayError("\(what): cannot reach Ray (\(reason)); is the dashboard at \(address.absoluteString)?", unreachable: true)
            case .malformed(let reason): throw RayError("\(what): the answer is not HTTP (\(reason))")
            }
        }
        guard (200..<300).contains(status) else {
            let text = String(decoding: data.prefix(300), as: UTF8.self)
            let hint = status == 401 || status == 403
                ? " (the cluster wants a token: set RAY_AUTH_TOKEN or pass --token-file)" : ""
            throw RayError("\(what): Ray answered HTTP \(status)\(hint): \(text)", status: status)
        }
        return (what, data)
    }

    private func json(_ reply: (what: String, body: Data)) throws -> (what: String, value: JSONValue) {
        let text = String(decoding: reply.body, as: UTF8.self)
        do { return (reply.what, try JSONParser.parse(text)) } catch {
            throw RayError("\(reply.what): the answer is not JSON (\(error.message) at byte \(error.offset)): \(text.prefix(120))")
        }
    }
}

/// What a Ray request failed with: the method, the URL and the reason; the HTTP status when Ray answered one,
/// and whether Ray could not be reached at all (worth retrying, unlike an answer).
public struct RayError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public let status: Int?
    public let unreachable: Bool

    public init(_ description: String, status: Int? = nil, unreachable: Bool = false) {
        self.description = description
        self.status = status
        self.unreachable = unreachable
    }
}
