import Foundation
import Testing
@testable import Corpus

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hex(of: Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func streamingEqualsOneShot() {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let h = SHA256()
        for chunk in stride(from: 0, to: bytes.count, by: 37) { h.update(bytes[chunk..<min(bytes.count, chunk + 37)]) }
        #expect(h.hexDigest() == SHA256.hex(of: bytes))
    }

    @Test func fileHashMatchesThePublishedOne() throws {
        // datasets/README.md gives the sha256 of every shipped file.
        let (sha, bytes) = try LineReader(path: Fixtures.shippedFile("one-shot-rlvr/dsr_sub.jsonl")).forEachLine { _ in }
        #expect(sha == "4aad083a6547f898226ac1939e4b566432695147f8fb09863f5c8abd813baa6a")
        #expect(bytes == 642_186)
    }

    /// A regular file is read through mapped windows, a pipe through a buffer: both give every line whole
    /// (lines straddle the 64 KiB windows here) and the hash of the whole file.
    @Test func mappedWindowsAndPipeReadTheSameLines() throws {
        let path = NSTemporaryDirectory() + "lines-\(UUID().uuidString).txt"
        defer { unlink(path) }
        let lines = (0..<20_000).map { "line \($0) " + String(repeating: "x", count: $0 % 97) }
        let text = lines.joined(separator: "\n")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        var reader = LineReader(path: path)
        reader.chunkBytes = 1 << 16
        var seen: [String] = []
        let (sha, bytes) = try reader.forEachLine { seen.append(String(decoding: $0.bytes, as: UTF8.self)) }
        #expect(seen == lines && bytes == text.utf8.count && sha == SHA256.hex(of: Array(text.utf8)))

        let fifo = NSTemporaryDirectory() + "fifo-\(UUID().uuidString)"
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let writer = Thread { try? text.write(toFile: fifo, atomically: false, encoding: .utf8) }
        writer.start()
        var piped: [String] = []
        let (pipedSHA, pipedBytes) = try LineReader(path: fifo).forEachLine { piped.append(String(decoding: $0.bytes, as: UTF8.self)) }
        #expect(piped == lines && pipedBytes == bytes && pipedSHA == sha)
    }
}
