import Foundation
import JSON
import Testing
@testable import Verl

@Suite(.serialized) struct RayClientTests {
    @Test func submitStatusLogsStop() throws {
        let server = try RayTestServer(mode: .ray)
        defer { server.shutdown() }
        let client = RayJobsClient(address: server.address, timeout: 5)
        let id = try client.submit(entrypoint: "bash '/runs/my run/launch.sh'",
                                   runtimeEnv: JSONObject(["env_vars": .object(JSONObject(["VERL_FILE_LOGGER_PATH": .string("/runs/my run/logs/metrics.jsonl")]))]),
                                   submissionID: "oneshot-pi1-1", metadata: ["oneshot_run": "pi1"])
        #expect(id == "oneshot-pi1-1")
        let sent = try JSONParser.parse(String(server.state.requests[0].split(separator: " ", maxSplits: 2)[2]))
        #expect(sent["runtime_env"]?["env_vars"]?["VERL_FILE_LOGGER_PATH"]?.stringValue == "/runs/my run/logs/metrics.jsonl")
        #expect(sent["metadata"]?["oneshot_run"]?.stringValue == "pi1")
        #expect(try client.status(id) == RayJobsClient.Status(status: "RUNNING", message: "Job is running"))
        #expect(try client.logs(id).contains("step:1"))
        #expect(try client.stop(id))
        #expect(try client.status(id).isFinished)
        #expect(throws: RayError.self) { try client.status("no-such-job") }
    }

    @Test func refusedSilentMalformedAndUnreachable() throws {
        let refusing = try RayTestServer(mode: .refuse)
        defer { refusing.shutdown() }
        let refused = #expect(throws: RayError.self) { try RayJobsClient(address: refusing.address, timeout: 5).status("x") }
        #expect(refused?.description.contains("HTTP 500") == true && refused?.description.contains("shutting down") == true)

        let malformed = try RayTestServer(mode: .malformed)
        defer { malformed.shutdown() }
        let garbled = #expect(throws: RayError.self) { try RayJobsClient(address: malformed.address, timeout: 5).logs("x") }
        #expect(garbled?.description.contains("not JSON") == true)

        let silent = try RayTestServer(mode: .silent)
        defer { silent.shutdown() }
        let start = Date()
        let timedOut = #expect(throws: RayError.self) { try RayJobsClient(address: silent.address, timeout: 1).status("x") }
        #expect(timedOut?.description.contains("no answer within 1 s") == true && Date().timeIntervalSince(start) < 10)

        let port = refusing.address.port!
        refusing.shutdown()
        let unreachable = #expect(throws: RayError.self) { try RayJobsClient(address: URL(string: "http://127.0.0.1:\(port)")!, timeout: 2).status("x") }
        #expect(unreachable?.description.contains("cannot reach Ray") == true, "\(unreachable?.description ?? "")")
    }

    /// The socket client's reading of answers as servers send them: chunked (aiohttp streams some), by
    /// length, or until the connection closes; and what it refuses.
    @Test func plainHTTPAnswers() throws {
        let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n3;x=y\r\n 12\r\n1\r\n}\r\n0\r\n\r\n"
        let whole = try #require(try PlainHTTP.parse(Array(chunked.utf8), closed: false))
        #expect(whole.status == 200 && String(decoding: whole.body, as: UTF8.self) == "{\"a\": 12}")
        #expect(try PlainHTTP.parse(Array(chunked.utf8.dropLast(7)), closed: false) == nil)   // the last chunk not yet here
        let sized = try #require(try PlainHTTP.parse(Array("HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}trailing".utf8), closed: false))
        #expect(sized.status == 404 && sized.body == Data("{}".utf8))
        #expect(try PlainHTTP.parse(Array("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{}".utf8), closed: false) == nil)
        #expect(try PlainHTTP.parse(Array("HTTP/1.0 200 OK\r\n\r\n[1]".utf8), closed: false) == nil)   // until the server closes
        #expect(try PlainHTTP.parse(Array("HTTP/1.0 200 OK\r\n\r\n[1]".utf8), closed: true)?.body == Data("[1]".utf8))
        for cut in ["HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{}", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "HTTP/1.1 200"] {
            #expect(throws: PlainHTTP.Failure.self) { try PlainHTTP.parse(Array(cut.utf8), closed: true) }
        }
        #expect(throws: PlainHTTP.Failure.self) { try PlainHTTP.parse(Array("SSH-2.0-OpenSSH\r\n\r\n".utf8), closed: false) }
        let https = #expect(throws: RayError.self) { try RayJobsClient(address: URL(string: "https://ray.example:8265")!, timeout: 1).status("x") }
        #expect(https?.description.contains("only http://") == true)
    }

    /// `launch --submit ray` and `follow`, at the library level: the job carries the run's script and environment,
    /// and its state is read back from job.json until Ray reports it finished.
    @Test func rayJobOfARunFolder() throws {
        let server = try RayTestServer(mode: .ray)
        defer { server.shutdown() }
        let dir = NSTemporaryDirectory() + "ray-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let launch = VerlLaunch(directory: dir, runName: "pi1 'x'", preset: try #require(VerlPreset.named("paper-qwen2.5-math-1.5b-grpo")),
                                binary: "/bin/oneshot")
        let job = try VerlSubmit.ray(launch, client: RayJobsClient(address: server.address, timeout: 5), now: "t", suffix: "abc")
        try job.save(in: dir)
        #expect(job.submissionID == "oneshot-pi1--x--abc")
        let sent = try JSONParser.parse(String(server.state.requests[0].split(separator: " ", maxSplits: 2)[2]))
        #expect(sent["entrypoint"]?.stringValue == "bash \(Shell.quote(dir + "/launch.sh"))")
        #expect(sent["runtime_env"]?["env_vars"]?["VERL_FILE_LOGGER_PATH"]?.stringValue == dir + "/logs/metrics.jsonl")
        let saved = try #require(try VerlJob.load(from: dir))
        var states: [String] = []
        for _ in 0..<4 { states.append(try VerlSubmit.state(of: saved, directory: dir).state) }
        #expect(states == ["RUNNING", "RUNNING", "SUCCEEDED", "SUCCEEDED"])
        try FileManager.default.createDirectory(atPath: dir + "/logs", withIntermediateDirectories: true)
        try VerlSubmit.saveLogs(of: saved, directory: dir)
        #expect(try String(contentsOfFile: dir + "/logs/ray-job.log", encoding: .utf8).contains("step:1 - critic/score/mean"))
    }
}
