import Foundation
import Testing
import JSON
@testable import Corpus
@testable import Parquet
import Store

/// A copy of `source` with `edit` applied to its bytes.
func corrupted(_ source: String, _ edit: (inout [UInt8]) -> Void) throws -> String {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
    edit(&bytes)
    let path = temporaryParquet()
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

func expectParquetError(_ path: String, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try allRows(path)
        Issue.record("expected an error containing '\(text)'", sourceLocation: sourceLocation)
    } catch let error as ParquetError {
        #expect(error.description.contains(text), "\(error.description)", sourceLocation: sourceLocation)
        #expect(error.path == path, sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

@Suite struct CorruptFileTests {
    let dsr = Paths.oneShot.appendingPathComponent("train/dsr_sub.parquet").path

    @Test func badMagic() throws {
        expectParquetError(try corrupted(dsr) { $0[0] = UInt8(ascii: "X") }, containing: "does not start with PAR1")
    }

    @Test func truncatedFile() throws {
        expectParquetError(try corrupted(dsr) { $0.removeLast(100) }, containing: "does not end with PAR1")
        expectParquetError(try corrupted(dsr) { $0 = Array($0.prefix(6)) }, containing: "too short")
    }

    @Test func footerLengthPastTheFile() throws {
        expectParquetError(try corrupted(dsr) { b in
            let n = b.count
            b[n - 8] = 0xFF; b[n - 7] = 0xFF; b[n - 6] = 0xFF; b[n - 5] = 0x0F
        }, containing: "runs past the start of the file")
    }

    @Test func pageThatDoesNotDecompressNamesRowGroupAndColumn() throws {
        let path = try written(mixedRows, fields: mixedFields, codec: .snappy)
        let meta = try ParquetFile(path: path).metadata.rowGroups[0].columns[1]   // "count"
        let bad = try corrupted(path) { b in
            let start = Int(meta.dataPageOffset), end = start + Int(meta.totalCompressedSize)
            for i in (start + 24)..<end { b[i] = 0xFF }   // keep the page header, ruin the snappy body
        }
        expectParquetError(bad, containing: "row group 0, column count: a page does not decompress")
    }

    @Test func levelsRunningPastThePage() throws {
        let path = try written(mixedRows, fields: mixedFields, codec: .uncompressed)
        let meta = try ParquetFile(path: path).metadata.rowGroups[0].columns[0]   // "text", optional: starts with def levels
        let bad = try corrupted(path) { b in
            // The page header is short Thrift; the definition-level length prefix follows it. Find the
            // page body start by parsing the header the way the reader does.
            var thrift = ThriftReader(b, at: Int(meta.dataPageOffset))
            _ = try? PageHeader(&thrift)
            let body = thrift.position
            b[body] = 0xFF; b[body + 1] = 0xFF; b[body + 2] = 0xFF; b[body + 3] = 0x7F   // 2 GiB of levels
        }
        expectParquetError(bad, containing: "row group 0, column text: needs 2147483647 more bytes")
    }

    @Test func importReportsACorruptFileWithoutCrashing() throws {
        let bad = try corrupted(dsr) { $0.removeLast(100) }
        let store = try Store(path: ":memory:")
        #expect(throws: ImportError.self) { try Importer(store: store).importFile(bad, options: ImportOptions(format: .parquet)) }
    }

    /// Seeded mutations of every shipped and fixture file: flipped bytes, truncations, zeroed runs. Each
    /// read must end in rows or a ParquetError, never a crash, and in bounded time.
    @Test func fuzzMutatedCopies() throws {
        let sources = Paths.parquetFiles.map { Paths.oneShot.appendingPathComponent("\($0).parquet").path }
            + ["snappy_v1_dictionary", "gzip_v2_dictionary", "zstd_v2_plain_small_groups", "delta_encodings", "uncompressed_v1_plain"]
                .map { Paths.fixtures.appendingPathComponent("\($0).parquet").path }
        var rng = SplitMix64(seed: 20261127)
        var errors = 0, reads = 0
        for source in sources {
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
            for _ in 0..<40 {
                var bytes = original
                switch rng.next() % 4 {
                case 0:   // flip a few random bytes
                    for _ in 0..<(1 + Int(rng.next() % 8)) { bytes[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1) }
                case 1:   // flip bytes in the footer, where the structure lives
                    for _ in 0..<(1 + Int(rng.next() % 4)) {
                        let i = bytes.count - 9 - Int(rng.next() % UInt64(min(bytes.count - 9, 2000)))
                        bytes[i] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                    }
                case 2:   // truncate, keeping the footer's last 8 bytes
                    let cut = Int(rng.next() % UInt64(bytes.count / 2))
                    bytes = Array(bytes.prefix(bytes.count - 8 - cut)) + bytes.suffix(8)
                default:  // zero a run
                    let start = Int(rng.next() % UInt64(bytes.count))
                    for i in start..<min(bytes.count, start + 1 + Int(rng.next() % 64)) { bytes[i] = 0 }
                }
                let path = temporaryParquet()
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                let started = ContinuousClock.now
                do {
                    _ = try allRows(path)
                    reads += 1
                } catch is ParquetError {
                    errors += 1
                }
                #expect(ContinuousClock.now - started < .seconds(5), "mutation of \(source) took too long")
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        #expect(errors + reads == 520)
        #expect(errors > 100)   // most mutations must be caught, not silently read
    }
}
