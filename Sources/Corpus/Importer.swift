import Foundation
import JSON
import Parquet
import Store

/// The file formats `oneshot import` reads.
public enum SourceFormat: String, CaseIterable, Sendable {
    case auto, jsonl, json, xml, parquet

    /// The format a path's extension and first byte announce.
    static func detect(path: String, firstByte: UInt8?) -> SourceFormat? {
        switch (path as NSString).pathExtension.lowercased() {
        case "jsonl", "ndjson": return .jsonl
        case "json": return firstByte == UInt8(ascii: "[") ? .json : .jsonl
        case "xml", "cnxml": return .xml
        case "parquet", "pq": return .parquet
        default:
            switch firstByte {
            case UInt8(ascii: "["): return .json
            case UInt8(ascii: "{"): return .jsonl
            case UInt8(ascii: "<"): return .xml
            case UInt8(ascii: "P"): return .parquet
            default: return nil
            }
        }
    }
}

/// How to import files.
public struct ImportOptions: Sendable {
    /// The dataset to import into; by default one named after each file.
    public var dataset: String?
    public var format: SourceFormat = .auto
    public var map = FieldMap()
    /// Fail a file on its first bad row and write nothing of it.
    public var strict = false
    public var role: DatasetRecord.Role = .train

    public init(dataset: String? = nil, format: SourceFormat = .auto, map: FieldMap = FieldMap(), strict: Bool = false,
                role: DatasetRecord.Role = .train) {
        self.dataset = dataset
        self.format = format
        self.map = map
        self.strict = strict
        self.role = role
    }
}

/// What importing one file did.
public struct FileImportResult: Equatable, Sendable {
    public let path: String
    public let dataset: String
    public let format: String
    public let schema: String
    public let sha256: String
    public let imported: Int
    public let rejected: Int
    public let skipped: Int
    /// True when the same content was imported into this dataset before and nothing was done.
    public let alreadyImported: Bool
}

/// Imports JSONL, JSON and XML files into a store: one transaction per file, bad rows kept aside.
public final class Importer {
    let store: Store
    /// Called with `FILE:LINE: reason` for every rejected row (the CLI prints these on stderr).
    public var onReject: (String) -> Void = { _ in }
    /// Called with rows done so far, for progress display.
    public var onProgress: (Int) -> Void = { _ in }

    public init(store: Store) {
        self.store = store
    }

    /// The dataset name a file gets by default: its stem, prefixed by its folder when the stem is generic.
    public static func defaultDatasetName(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let stem = url.deletingPathExtension().lastPathComponent
        let generic: Set<String> = ["test", "train", "validation", "valid", "dev", "data", "posts", "index", "all"]
        guard generic.contains(stem.lowercased()) else { return stem }
        let parent = url.deletingLastPathComponent().lastPathComponent
        return parent.isEmpty || parent == "/" || parent == "." ? stem : "\(parent)-\(stem)"
    }

    /// Imports one file. Throws for a file that cannot be read at all (or, with `strict`, for any bad row);
    /// bad rows otherwise go to the rejected-rows table and the import goes on.
    public func importFile(_ path: String, options: ImportOptions) throws -> FileImportResult {
        let (sha256, bytes, firstByte) = try fingerprint(path)
        guard bytes > 0 else { throw ImportError.emptyFile(path: path) }
        var format = options.format
        if format == .auto {
            guard let detected = SourceFormat.detect(path: path, firstByte: firstByte) else {
                throw ImportError.unknownFormat(path: path, reason: "cannot tell the format from the name or the first byte; pass --format jsonl|json|xml|parquet")
            }
            format = detected
        }
        let name = options.dataset ?? Importer.defaultDatasetName(for: path)
        let dataset = try store.datasetCreatingIfNeeded(named: name, role: options.role)
        if let previous = try store.sourceFile(datasetID: dataset.id, sha256: sha256) {
            return FileImportResult(path: path, dataset: name, format: previous.format, schema: previous.schema, sha256: sha256,
                                    imported: 0, rejected: 0, skipped: 0, alreadyImported: true)
        }
        var schemaName = options.map.isEmpty ? "unknown" : "mapped"
        var info = SourceFileInfo(path: absolutePath(path), format: format.rawValue, schema: schemaName, sha256: sha256, bytes: bytes)
        let counts = try store.importFile(into: dataset, file: info) { writer in
            let sink = RecordSink(path: path, writer: writer, strict: options.strict, onReject: onReject, onProgress: onProgress)
            switch format {
            case .jsonl: schemaName = try importJSONLines(path, options: options, sink: sink)
            case .json: schemaName = try importJSONArray(path, options: options, sink: sink)
            case .xml: schemaName = try XMLImporter(path: path).run(sink: sink)
            case .parquet: schemaName = try importParquet(path, options: options, sink: sink)
            case .auto: break
            }
            info.schema = schemaName
            try store.db.execute("UPDATE source_files SET schema = ? WHERE dataset_id = ? AND sha256 = ?",
                                 [.text(schemaName), .integer(dataset.id), .text(sha256)])
        }
        return FileImportResult(path: path, dataset: name, format: format.rawValue, schema: schemaName, sha256: sha256,
                                imported: counts.imported, rejected: counts.rejected, skipped: counts.skipped, alreadyImported: false)
    }

    /// The file's SHA-256, size and first byte that is not white space or a byte-order mark.
    private func fingerprint(_ path: String) throws -> (String, Int, UInt8?) {
        var firstByte: UInt8?
        let (sha, bytes) = try LineReader.forEachChunk(path: path) { chunk in
            if firstByte == nil { firstByte = chunk.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) } }
        }
        return (sha, bytes, firstByte)
    }

    private func absolutePath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    // MARK: - JSON Lines

    private func importJSONLines(_ path: String, options: ImportOptions, sink: RecordSink) throws -> String {
        let schema = SchemaBox(options.map)
        try pipelined(produce: { emitItem in
            var position = 0
            var packer = BatchPacker()
            defer { packer.flush(emitItem) }
            func emit(_ item: ImportItem) -> Bool { packer.add(item, emitItem) }
            _ = try LineReader(path: path, hashing: false).forEachLine { line in
                var bytes = line.bytes
                if line.number == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = UnsafeBufferPointer(rebasing: bytes.dropFirst(3)) }
                let item: ImportItem
                if let length = line.tooLongLength {
                    item = .rejected(RejectedRow(line: line.number, field: nil,
                                                 reason: "line is \(length) bytes, over the \(LineReader.defaultMaxLineBytes >> 20) MiB limit",
                                                 raw: Array(bytes)))
                } else if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    return   // blank line
                } else if let bad = firstInvalidUTF8(bytes) {
                    item = .rejected(RejectedRow(line: line.number, field: nil, reason: "invalid UTF-8 at byte \(bad + 1) of the line", raw: Array(bytes)))
                } else {
                    do throws(JSONParseError) {
                        let value = try JSONParser.parse(bytes)
                        item = schema.map(value, position: position, line: line.number, raw: bytes)
                        if case .example = item { position += 1 }
                    } catch {
                        item = .rejected(RejectedRow(line: line.number, field: nil,
                                                     reason: "invalid JSON at column \(error.offset + 1): \(error.message)", raw: Array(bytes)))
                    }
                }
                guard emit(item) else { throw CancellationError() }
            }
        }, consume: sink.take)
        return schema.name
    }

    // MARK: - Parquet

    /// Parquet rows map like JSON rows (verl rows, flat schemas); a row's "line" is its 1-based row number.
    private func importParquet(_ path: String, options: ImportOptions, sink: RecordSink) throws -> String {
        let file: ParquetFile
        do { file = try ParquetFile(path: path) } catch let e as ParquetError {
            throw ImportError.unknownFormat(path: path, reason: e.message)
        }
        let schema = SchemaBox(options.map)
        try pipelined(produce: { emitItem in
            var packer = BatchPacker()
            defer { packer.flush(emitItem) }
            var position = 0
            var rowNumber = 0
            do {
                try file.forEachRow { row in
                    rowNumber += 1
                    let raw = Array(row.serialized.utf8)
                    let item = raw.withUnsafeBufferPointer { schema.map(row, position: position, line: rowNumber, raw: $0) }
                    if case .example = item { position += 1 }
                    guard packer.add(item, emitItem) else { throw CancellationError() }
                }
            } catch let e as ParquetError {
                throw ImportError.malformed(path: path, line: rowNumber + 1, reason: e.description)
            }
        }, consume: sink.take)
        return schema.name
    }

    // MARK: - JSON array

    private func importJSONArray(_ path: String, options: ImportOptions, sink: RecordSink) throws -> String {
        var data = try readWholeFile(path)
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data.removeFirst(3) }
        let bytes = data
        let schema = SchemaBox(options.map)
        try pipelined(produce: { emitItem in
            var packer = BatchPacker()
            defer { packer.flush(emitItem) }
            func emit(_ item: ImportItem) -> Bool { packer.add(item, emitItem) }
            try bytes.withUnsafeBufferPointer { buffer in
                var lines = LineCounter(buffer)
                if let bad = firstInvalidUTF8(buffer) {
                    throw ImportError.malformed(path: path, line: lines.line(at: bad), reason: "invalid UTF-8 byte (the file must be UTF-8)")
                }
                var parser = JSONParser(buffer)
                var position = 0
                do {
                    try parser.parseArrayElements { range, value in
                        let item = schema.map(value, position: position, line: lines.line(at: range.lowerBound),
                                              raw: UnsafeBufferPointer(rebasing: buffer[range]))
                        if case .example = item { position += 1 }
                        guard emit(item) else { throw CancellationError() }
                    }
                } catch let error as JSONParseError {
                    throw ImportError.malformed(path: path, line: lines.line(at: error.offset),
                                                reason: "invalid JSON: \(error.message) (a broken JSON array cannot be read past this point; nothing of the file was imported)")
                }
            }
        }, consume: sink.take)
        return schema.name
    }
}

/// What a reader hands over for one row.
enum ImportItem: Sendable {
    case example(ExampleDraft)
    case rejected(RejectedRow)
    /// Examples already packed for the store (what crosses between threads).
    case examples(ExampleBatch)
}

/// Packs a reader's examples into batches, handing rejects over as they come (after the examples
/// before them, so the order of the file is kept).
struct BatchPacker {
    /// A batch goes to the store at this many examples or this many bytes of text, whichever comes first.
    static let examples = 256, bytes = 1 << 20
    private var batch = BatchPacker.empty()

    /// Room for a full batch plus the example that fills it (up to a 64 KiB one without growing).
    private static func empty() -> ExampleBatch { ExampleBatch(bytes: bytes + (64 << 10), entries: examples) }

    /// Adds an item, handing full batches to `emit`; false when the consumer has stopped.
    mutating func add(_ item: ImportItem, _ emit: (ImportItem) -> Bool) -> Bool {
        switch item {
        case .example(let example):
            batch.append(example)
            if batch.count >= BatchPacker.examples || batch.byteCount >= BatchPacker.bytes { return flush(emit) }
            return true
        default:
            guard flush(emit) else { return false }
            return emit(item)
        }
    }

    @discardableResult
    mutating func flush(_ emit: (ImportItem) -> Bool) -> Bool {
        guard !batch.isEmpty else { return true }
        defer { batch = BatchPacker.empty() }
        return emit(.examples(batch))
    }
}

/// The row mapper of one file, chosen from its first object unless `--map` names the fields.
final class SchemaBox: @unchecked Sendable {
    private let map: FieldMap
    private var mapper: RowMapper?

    init(_ map: FieldMap) {
        self.map = map
        mapper = map.isEmpty ? nil : RowMapper(schema: .mapped, map: map)
    }

    var name: String { mapper?.schema.rawValue ?? "unknown" }

    /// Maps one parsed JSON row to an example or a rejected row.
    func map(_ value: JSONValue, position: Int, line: Int, raw: UnsafeBufferPointer<UInt8>) -> ImportItem {
        guard case .object(let object) = value else {
            return .rejected(RejectedRow(line: line, field: nil, reason: "expected a JSON object, got \(value.typeName)", raw: Array(raw)))
        }
        if mapper == nil {
            guard let schema = RowSchema.detect(object) else {
                return .rejected(RejectedRow(line: line, field: nil, reason: "unrecognised row layout (keys: \(object.keys.joined(separator: ", "))); name the fields with --map problem=F,answer=F", raw: Array(raw)))
            }
            mapper = RowMapper(schema: schema, map: map)
        }
        do throws(RowError) {
            return .example(try mapper!.example(from: object, position: position, line: line))
        } catch {
            return .rejected(RejectedRow(line: line, field: error.field, reason: error.reason, raw: Array(raw)))
        }
    }
}

/// Where readers send rows: accepted ones to the store, bad ones to the rejected-rows table.
final class RecordSink {
    let path: String
    let writer: FileImportWriter
    let strict: Bool
    let onReject: (String) -> Void
    let onProgress: (Int) -> Void
    private var done = 0

    init(path: String, writer: FileImportWriter, strict: Bool, onReject: @escaping (String) -> Void, onProgress: @escaping (Int) -> Void) {
        self.path = path
        self.writer = writer
        self.strict = strict
        self.onReject = onReject
        self.onProgress = onProgress
    }

    func add(_ example: ExampleDraft) throws {
        try writer.add(example)
        tick()
    }

    func reject(line: Int, field: String?, reason: String, raw: [UInt8]) throws {
        if strict { throw ImportError.strictRejected(path: path, line: line, field: field, reason: reason) }
        try writer.reject(RejectedRow(line: line, field: field, reason: reason, raw: raw))
        onReject("\(path):\(line): \(field.map { "field '\($0)': " } ?? "")\(reason)")
        tick()
    }

    func take(_ item: ImportItem) throws {
        switch item {
        case .example(let example): try add(example)
        case .examples(let batch):
            try writer.add(batch)
            let before = done
            done += batch.count
            if before / 1000 != done / 1000 { onProgress(done) }
        case .rejected(let row): try reject(line: row.line, field: row.field, reason: row.reason, raw: row.raw)
        }
    }

    func skip() {
        writer.skip()
    }

    private func tick() {
        done += 1
        if done % 1000 == 0 { onProgress(done) }
    }
}

/// Converts byte offsets to 1-based line numbers, scanning forward only.
struct LineCounter {
    let bytes: UnsafeBufferPointer<UInt8>
    private var offset = 0
    private var line = 1

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func line(at target: Int) -> Int {
        if target < offset { offset = 0; line = 1 }
        while offset < min(target, bytes.count) {
            if bytes[offset] == 0x0A { line += 1 }
            offset += 1
        }
        return line
    }
}

/// The offset of the first byte from `start` on that is not ASCII (0x80 or more), or `bytes.count`; eight
/// bytes at a time.
func asciiRunEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int {
    var i = start
    if let base = bytes.baseAddress {
        while i + 8 <= bytes.count, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
    }
    while i < bytes.count, bytes[i] < 0x80 { i += 1 }
    return i
}

/// The offset of the first byte that breaks UTF-8 in `bytes`, or nil when it is valid.
func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    var i = 0
    let n = bytes.count
    while i < n {
        i = asciiRunEnd(bytes, from: i)
        guard i < n else { break }
        let b = bytes[i]
        let length: Int
        var minimum: UInt32
        switch b {
        case 0xC2...0xDF: length = 2; minimum = 0x80
        case 0xE0...0xEF: length = 3; minimum = 0x800
        case 0xF0...0xF4: length = 4; minimum = 0x10000
        default: return i
        }
        guard i + length <= n else { return i }
        var scalar = UInt32(b) & (0xFF >> UInt32(length + 1))
        for k in 1..<length {
            let c = bytes[i + k]
            guard c & 0xC0 == 0x80 else { return i }
            scalar = scalar << 6 | UInt32(c & 0x3F)
        }
        if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return i }
        i += length
        minimum = 0
    }
    return nil
}
