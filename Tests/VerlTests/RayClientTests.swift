import Foundation
import JSON
import Testing
@testable import Verl

@Suite(.serialized) struct RayClientTests {
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
}
