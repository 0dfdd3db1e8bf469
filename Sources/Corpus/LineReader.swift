import Foundation

/// Reads a file line by line in fixed-size chunks, hashing every byte on the way.
///
/// Memory stays bounded by the chunk size plus the longest accepted line: a line longer than
/// ``maxLineBytes`` is not buffered whole; the caller gets its first bytes and its length.
public struct LineReader {
    /// Lines longer than this are reported as too long instead of being read (16 MiB).
    public static let defaultMaxLineBytes = 16 << 20
    /// How much of a too-long line is kept, for the rejected-rows table.
    public static let keptPrefixBytes = 64 << 10

    /// One line: its 1-based number and bytes without the newline (or, when too long, its first bytes).
    public struct Line {
        public let number: Int
        public let bytes: UnsafeBufferPointer<UInt8>
        /// The line's full length when it exceeded the limit, nil otherwise.
        public let tooLongLength: Int?
    }

    public let path: String
    public var maxLineBytes: Int
    public var chunkBytes = 4 << 20
    /// Whether to compute the file's SHA-256 on the way.
    public var hashing: Bool

    public init(path: String, maxLineBytes: Int = LineReader.defaultMaxLineBytes, hashing: Bool = true) {
        self.path = path
        self.maxLineBytes = maxLineBytes
        self.hashing = hashing
    }

    /// Calls `body` with every line; returns the file's SHA-256 (empty when not hashing) and size.
    public func forEachLine(_ body: (Line) throws -> Void) throws -> (sha256: String, bytes: Int) {
        var lineNumber = 1
        var pending: [UInt8] = []        // the start of a line that continues in the next chunk
        var pendingLength = 0            // its full length so far (may exceed pending.count when too long)

        func emit(_ buffer: UnsafeBufferPointer<UInt8>, fullLength: Int) throws {
            var slice = buffer
            let tooLong = fullLength > maxLineBytes
            if tooLong {
                slice = UnsafeBufferPointer(rebasing: slice.prefix(LineReader.keptPrefixBytes))
            } else if slice.last == 0x0D {
                slice = UnsafeBufferPointer(rebasing: slice.dropLast()) // CRLF
            }
            try body(Line(number: lineNumber, bytes: slice, tooLongLength: tooLong ? fullLength : nil))
            lineNumber += 1
        }
        func keep(_ piece: UnsafeBufferPointer<UInt8>) {
            let room = maxLineBytes + 1 - pending.count
            if room > 0 { pending.append(contentsOf: piece.prefix(room)) }
            pendingLength += piece.count
        }

        let result = try LineReader.forEachChunk(path: path, chunkBytes: chunkBytes, hashing: hashing) { data in
            var start = 0
            while start < data.count {
                guard let found = memchr(data.baseAddress! + start, 0x0A, data.count - start) else {
                    keep(UnsafeBufferPointer(rebasing: data[start...]))   // continues in the next chunk
                    break
                }
                let end = UnsafeRawPointer(data.baseAddress!).distance(to: UnsafeRawPointer(found))
                let piece = UnsafeBufferPointer(rebasing: data[start..<end])
                if pendingLength == 0 {
                    try emit(piece, fullLength: piece.count)
                } else {
                    keep(piece)
                    try pending.withUnsafeBufferPointer { try emit($0, fullLength: pendingLength) }
                    pending.removeAll(keepingCapacity: true)
                    pendingLength = 0
                }
                start = end + 1
            }
        }
        if pendingLength > 0 {
            try pending.withUnsafeBufferPointer { try emit($0, fullLength: pendingLength) }
        }
        return result
    }
}

extension LineReader {
    /// Calls `body` with each chunk of the file; returns its SHA-256 (empty when not hashing) and size.
    ///
    /// A regular file is mapped one chunk at a time and the chunk unmapped after `body`, so its bytes are
    /// not copied (the import reads every file twice, once to fingerprint it and once to parse it) and at
    /// most one chunk is resident. Anything else (a pipe, a device) is read into a buffer.
    public static func forEachChunk(path: String, chunkBytes: Int = 4 << 20, hashing: Bool = true,
                                    _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> (sha256: String, bytes: Int) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ImportError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let hasher: SHA256? = hashing ? SHA256() : nil
        func consume(_ data: UnsafeBufferPointer<UInt8>) throws {
            hasher?.update(UnsafeRawBufferPointer(data))
            try body(data)
        }
        var status = stat()
        if fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG {
            let size = Int(status.st_size), window = max(chunkBytes, 1 << 16) & ~0xFFFF   // page-aligned offsets
            var offset = 0
            while offset < size {
                let length = min(window, size - offset)
                guard let start = mmap(nil, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, off_t(offset)), start != MAP_FAILED else {
                    throw ImportError.unreadable(path: path, reason: String(cString: strerror(errno)))
                }
                defer { munmap(start, length) }
                try consume(UnsafeBufferPointer(start: start.assumingMemoryBound(to: UInt8.self), count: length))
                offset += length
            }
            return (hasher?.hexDigest() ?? "", size)
        }
        let chunk = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunkBytes)
        defer { chunk.deallocate() }
        var total = 0
        while true {
            let n = read(fd, chunk.baseAddress, chunkBytes)
            if n < 0 {
                if errno == EINTR { continue }
                throw ImportError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            try consume(UnsafeBufferPointer(rebasing: chunk[0..<n]))
            total += n
        }
        return (hasher?.hexDigest() ?? "", total)
    }
}

/// Reads a whole file, with a clear error when it cannot.
func readWholeFile(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        throw ImportError.unreadable(path: path, reason: !exists ? "no such file" : isDirectory.boolValue ? "is a directory" : "cannot read")
    }
    return [UInt8](data)
}
