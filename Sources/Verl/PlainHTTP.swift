import Foundation

/// One HTTP/1.1 request over a plain TCP socket, waited for synchronously: what Ray's dashboard needs (it
/// speaks plain HTTP, on port 8265 by default), without FoundationNetworking.
///
/// FoundationNetworking links libcurl and about 25 libraries behind it (TLS, Kerberos, LDAP, ...), and the
/// dynamic loader binds their symbols in every `oneshot` process, importing or grading alike: about 15 ms of
/// start-up each. The dashboard is reached over HTTP, or through a tunnel to it, so a socket does.
enum PlainHTTP {
    /// Why an exchange failed before an HTTP status came back.
    enum Failure: Error, Equatable {
        /// The address is not `http://HOST[:PORT][/PATH]`.
        case unsupported(String)
        /// No connection: the name did not resolve, or nobody listens there.
        case unreachable(String)
        /// No complete answer before the deadline.
        case timedOut
        /// The answer is not HTTP/1.x.
        case malformed(String)
    }

    /// Sends `method` to `url` with `body` (as JSON when given) and returns the status and the body. The
    /// connection serves one exchange; chunked, length-delimited and close-delimited bodies are all read.
    /// The request line names the URL's path as written, a trailing slash included (Ray routes `POST
    /// /api/jobs/` and not `/api/jobs`); `headers` are sent as given (Authorization, ...).
    static func exchange(_ method: String, _ url: URL, body: Data? = nil, headers: [(String, String)] = [],
                         timeout: TimeInterval) throws -> (status: Int, body: Data) {
        guard url.scheme?.lowercased() == "http", let host = url.host, !host.isEmpty else {
            throw Failure.unsupported("\(url.absoluteString): only http:// addresses are supported (Ray's dashboard speaks plain HTTP; reach a remote one through a tunnel, e.g. ssh -L 8265:localhost:8265 HEAD)")
        }
        let deadline = Date().addingTimeInterval(timeout)
        let socket = try connect(host: host, port: url.port ?? 80, deadline: deadline)
        defer { close(socket) }
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        var path = components?.percentEncodedPath ?? url.path
        if path.isEmpty { path = "/" }
        if let query = components?.percentEncodedQuery { path += "?" + query }
        let hostHeader = (host.contains(":") ? "[\(host)]" : host) + (url.port.map { ":\($0)" } ?? "")   // IPv6 literals in brackets
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\n"
        head += "User-Agent: oneshot\r\nAccept: application/json\r\nConnection: close\r\n"
        for (name, value) in headers where !(name + value).contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {
            head += "\(name): \(value)\r\n"
        }
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        var request = Data((head + "\r\n").utf8)
        if let body { request.append(body) }
        try send(request, on: socket, deadline: deadline)
        return try receive(from: socket, deadline: deadline)
    }

    /// A connected socket to the first of `host`'s addresses that answers.
    private static func connect(host: String, port: Int, deadline: Date) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw Failure.unreachable("cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var reason = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { reason = String(cString: strerror(errno)); continue }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
            if errno == EINPROGRESS {
                guard try wait(for: Int16(POLLOUT), on: fd, deadline: deadline) else { close(fd); throw Failure.timedOut }
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                if error == 0 { return fd }
                reason = String(cString: strerror(error))
            } else {
                reason = String(cString: strerror(errno))
            }
            close(fd)
        }
        throw Failure.unreachable(reason)
    }

    /// Whether `fd` became ready for `events` before the deadline.
    private static func wait(for events: Int16, on fd: Int32, deadline: Date) throws -> Bool {
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return false }
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(min(left * 1000 + 1, Double(Int32.max))))
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { throw Failure.unreachable(String(cString: strerror(errno))) }
        }
    }

    private static func send(_ data: Data, on fd: Int32, deadline: Date) throws {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                guard try wait(for: Int16(POLLOUT), on: fd, deadline: deadline) else { throw Failure.timedOut }
                let sent = Glibc.send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0 {
                    if errno == EAGAIN || errno == EINTR { continue }
                    throw Failure.unreachable(String(cString: strerror(errno)))
                }
                offset += sent
            }
        }
    }

    /// The answer, read until its header and body are complete (by length, by the last chunk, or when the
    /// server closes an answer that has neither).
    private static func receive(from fd: Int32, deadline: Date) throws -> (status: Int, body: Data) {
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            guard try wait(for: Int16(POLLIN), on: fd, deadline: deadline) else { throw Failure.timedOut }
            let count = recv(fd, &chunk, chunk.count, 0)
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                if errno != ECONNRESET || answer.isEmpty { throw Failure.unreachable(String(cString: strerror(errno))) }
            }
            if count <= 0 {
                if answer.isEmpty { throw Failure.unreachable("the connection closed without an answer") }
                return try parse(answer, closed: true)!
            }
            answer += chunk[0..<count]
            if let whole = try parse(answer, closed: false) { return whole }
        }
    }

    /// The status and body of an HTTP/1.x response, or nil while more is to come. Once the server has closed
    /// the connection (`closed`), a cut-off answer is an error.
    static func parse(_ bytes: [UInt8], closed: Bool) throws -> (status: Int, body: Data)? {
        guard let end = headEnd(bytes) else {
            if closed { throw Failure.malformed("no complete header in \(bytes.count) bytes") }
            return nil
        }
        let lines = String(decoding: bytes[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines[0].split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]) else {
            throw Failure.malformed("status line \(lines[0].prefix(80))")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = bytes[(end + 4)...]
        if status == 204 || status == 304 { return (status, Data()) }
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            // A whole chunked body ends with a blank line; decoding only then keeps a long answer read in many
            // pieces linear instead of decoding everything so far after each piece.
            guard closed || bytes.suffix(4).elementsEqual([13, 10, 13, 10]), let data = try unchunked(Array(body)) else {
                if closed { throw Failure.malformed("the chunked body is cut off") }
                return nil
            }
            return (status, data)
        }
        if let length = headers["content-length"].flatMap({ Int($0) }) {
            guard body.count >= length else {
                if closed { throw Failure.malformed("the body ended after \(body.count) of \(length) bytes") }
                return nil
            }
            return (status, Data(body.prefix(length)))
        }
        return closed ? (status, Data(body)) : nil
    }

    /// Index of the blank line (CRLF CRLF) ending the header.
    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 { return i }
        return nil
    }

    /// A chunked body's data (RFC 9112 §7.1: hex sizes, each chunk followed by CRLF, a zero size last), or
    /// nil when it is cut off before the last chunk.
    private static func unchunked(_ body: [UInt8]) throws -> Data? {
        var data = Data(), i = 0
        while true {
            guard let lineEnd = (i..<max(i, body.count - 1)).first(where: { body[$0] == 13 && body[$0 + 1] == 10 }) else { return nil }
            let sizeText = String(decoding: body[i..<lineEnd], as: UTF8.self).split(separator: ";", omittingEmptySubsequences: false)[0].trimmingCharacters(in: .whitespaces)
            guard let size = Int(sizeText, radix: 16), size >= 0 else { throw Failure.malformed("chunk size \(sizeText.prefix(20))") }
            if size == 0 { return data }
            let start = lineEnd + 2
            guard start + size <= body.count else { return nil }
            data.append(contentsOf: body[start..<(start + size)])
            i = start + size + 2
        }
    }
}
