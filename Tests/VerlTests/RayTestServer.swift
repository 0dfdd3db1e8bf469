import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A local HTTP server on 127.0.0.1 that speaks the shapes of Ray's Jobs API, or misbehaves on purpose.
final class RayTestServer: @unchecked Sendable {
    enum Mode { case ray, refuse, silent, malformed }

    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: Channel
    let state: State
    var address: URL { URL(string: "http://127.0.0.1:\(channel.localAddress!.port!)")! }

    /// Jobs and the requests seen, shared with the handlers.
    final class State: @unchecked Sendable {
        let lock = NSLock()
        var mode: Mode
        var jobs: [String: (status: String, body: String, statusReads: Int)] = [:]
        var requests: [String] = []
        /// After this many status reads a RUNNING job reports SUCCEEDED.
        var runningReads = 2
        init(mode: Mode) { self.mode = mode }
    }

    init(mode: Mode) throws {
        let state = State(mode: mode)
        self.state = state
        channel = try ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap { channel.pipeline.addHandler(Handler(state: state)) }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
    }

    private var stopped = false

    /// Stops the server (once; later calls do nothing).
    func shutdown() {
        guard !stopped else { return }
        stopped = true
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let state: State
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(state: State) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h): head = h; body.clear()
            case .body(var chunk): body.writeBuffer(&chunk)
            case .end:
                guard let head else { return }
                let (status, text) = answer(head, String(buffer: body))
                guard let status else { return }   // silent: never answer
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: "\(text.utf8.count)")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }

        func answer(_ head: HTTPRequestHead, _ body: String) -> (HTTPResponseStatus?, String) {
            state.lock.lock()
            defer { state.lock.unlock() }
            state.requests.append("\(head.method.rawValue) \(head.uri) \(body)")
            switch state.mode {
            case .silent: return (nil, "")
            case .refuse: return (.internalServerError, #"{"error": "Job submission refused: the cluster is shutting down"}"#)
            case .malformed: return (.ok, "<html>502 Bad Gateway</html>")
            case .ray: break
            }
            let parts = head.uri.split(separator: "/").map(String.init)   // api, jobs, [id], [logs|stop]
            switch (head.method, parts.count) {
            case (.POST, 2):
                guard let json = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], let id = json["submission_id"] as? String,
                      json["entrypoint"] is String else { return (.badRequest, #"{"error": "bad request"}"#) }
                state.jobs[id] = ("RUNNING", body, 0)
                return (.ok, #"{"job_id": "\#(id)", "submission_id": "\#(id)"}"#)
            case (.GET, 3):
                guard var job = state.jobs[parts[2]] else { return (.notFound, #"{"error": "no such job"}"#) }
                job.statusReads += 1
                if job.status == "RUNNING" && job.statusReads > state.runningReads { job.status = "SUCCEEDED" }
                state.jobs[parts[2]] = job
                return (.ok, #"{"status": "\#(job.status)", "message": "Job is \#(job.status.lowercased())", "submission_id": "\#(parts[2])"}"#)
            case (.GET, 4) where parts[3] == "logs":
                guard state.jobs[parts[2]] != nil else { return (.notFound, #"{"error": "no such job"}"#) }
                return (.ok, #"{"logs": "(TaskRunner pid=1) step:1 - critic/score/mean:np.float64(0.5)\n"}"#)
            case (.POST, 4) where parts[3] == "stop":
                guard state.jobs[parts[2]] != nil else { return (.notFound, #"{"error": "no such job"}"#) }
                state.jobs[parts[2]]!.status = "STOPPED"
                return (.ok, #"{"stopped": true}"#)
            default:
                return (.notFound, #"{"error": "not found"}"#)
            }
        }
    }
}
