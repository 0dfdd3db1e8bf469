import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A local HTTP server on 127.0.0.1 that misbehaves on purpose, as a real Ray head will not on demand: it
/// refuses, never answers, or answers with something that is not JSON. (The client's conversation with a real
/// head is tested against Ray itself: RealRayTests.)
final class RayTestServer: @unchecked Sendable {
    enum Mode { case refuse, silent, malformed }

    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: Channel
    let state: State
    var address: URL { URL(string: "http://127.0.0.1:\(channel.localAddress!.port!)")! }

    /// The requests seen, shared with the handlers.
    final class State: @unchecked Sendable {
        let lock = NSLock()
        var mode: Mode
        var requests: [String] = []
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
            }
        }
    }
}
