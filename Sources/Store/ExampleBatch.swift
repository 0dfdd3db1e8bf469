import CSQLite

/// Examples packed into one byte buffer, ready for SQLite: built on a reader thread, written on the
/// store's thread without converting a single string on the way.
public struct ExampleBatch: Sendable {
    /// Where a text field sits in ``bytes`` (`length < 0` for NULL).
    struct Span: Sendable {
        var offset: Int32
        var length: Int32
    }

    struct Entry: Sendable {
        var position: Int
        var line: Int
        var sourceIndex: Span
        var problem: Span
        var answer: Span
        var solution: Span
        var metadata: Span
        var normHash: Span
    }

    var bytes: [UInt8] = []
    var entries: [Entry] = []

    /// An empty batch with room for `bytes` bytes of text and `entries` examples, so that filling it up to
    /// the importer's batch limits never grows (and copies) its buffers.
    public init(bytes: Int = 0, entries: Int = 0) {
        self.bytes.reserveCapacity(bytes)
        self.entries.reserveCapacity(entries)
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    /// The packed size, for deciding when to hand a batch over.
    public var byteCount: Int { bytes.count }

    /// Appends an example.
    public mutating func append(_ example: ExampleDraft) {
        entries.append(Entry(position: example.position, line: example.line, sourceIndex: pack(example.sourceIndex),
                             problem: pack(example.problem), answer: pack(example.answer), solution: pack(example.solution),
                             metadata: pack(example.metadata), normHash: pack(example.normHash)))
    }

    private mutating func pack(_ text: String?) -> Span {
        guard var text else { return Span(offset: 0, length: -1) }
        let offset = Int32(bytes.count)
        text.withUTF8 { bytes.append(contentsOf: $0) }
        return Span(offset: offset, length: Int32(bytes.count) - offset)
    }
}

// SQLITE_STATIC: the bytes outlive the statement's step, so SQLite need not copy them first.
private let staticBytes = unsafeBitCast(0, to: sqlite3_destructor_type.self)

extension FileImportWriter {
    /// Stores every example of a batch.
    public func add(_ batch: ExampleBatch) throws {
        let handle = insertExample.handle
        try batch.bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)
            func bind(_ index: Int32, _ span: ExampleBatch.Span) -> Int32 {
                span.length < 0 ? sqlite3_bind_null(handle, index)
                    : sqlite3_bind_text(handle, index, base.advanced(by: Int(span.offset)).assumingMemoryBound(to: CChar.self),
                                        span.length, staticBytes)
            }
            for e in batch.entries {
                sqlite3_reset(handle)
                var rc = sqlite3_bind_int64(handle, 1, datasetID)
                rc |= sqlite3_bind_int64(handle, 2, fileID)
                rc |= sqlite3_bind_int64(handle, 3, Int64(e.position))
                rc |= sqlite3_bind_int64(handle, 4, Int64(e.line))
                rc |= bind(5, e.sourceIndex)
                rc |= bind(6, e.problem)
                rc |= bind(7, e.answer)
                rc |= bind(8, e.solution)
                rc |= bind(9, e.metadata)
                rc |= bind(10, e.normHash)
                guard rc == SQLITE_OK else { throw StoreError("cannot bind an example: \(insertExample.database.lastErrorMessage)") }
                guard try !insertExample.step() else { continue }
            }
            sqlite3_reset(handle)
        }
        counts.imported += batch.count
    }
}
