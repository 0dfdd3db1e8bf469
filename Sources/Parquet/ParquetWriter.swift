import Foundation
import JSON

/// Why a row could not be written.
public struct ParquetWriteError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { message }
}

/// Writes rows (JSON values) to a Parquet file with a fixed schema of nullable columns.
///
/// Lists are written in the three-level form (`optional group x (LIST) { repeated group list {
/// optional element } }`), strings as BYTE_ARRAY annotated STRING, and the footer carries
/// `ARROW:schema` so pyarrow, pandas and Hugging Face `datasets` read back exactly these types. Values
/// are PLAIN-encoded in one data page per column chunk, with min/max and null-count statistics; a row
/// group is written every `rowGroupSize` rows.
public final class ParquetWriter {
    public static let verlFields: [ParquetField] = [
        ParquetField("data_source", .string),
        ParquetField("prompt", .list(.structure([ParquetField("content", .string), ParquetField("role", .string)]))),
        ParquetField("ability", .string),
        ParquetField("reward_model", .structure([ParquetField("ground_truth", .string), ParquetField("style", .string)])),
        ParquetField("extra_info", .structure([ParquetField("index", .int64), ParquetField("split", .string)])),
    ]

    private let path: String
    private let fields: [ParquetField]
    private let codec: Codec
    private let rowGroupSize: Int
    private let handle: FileHandle
    private var offset = 0
    private var leaves: [LeafBuffer]
    private var rowsInGroup = 0
    private var totalRows = 0
    private var rowGroups: [(rows: Int, bytes: Int, columns: [[UInt8]])] = []   // column metadata, encoded
    private var closed = false

    public init(path: String, fields: [ParquetField], codec: Codec = .snappy, rowGroupSize: Int = 10_000) throws {
        self.path = path
        self.fields = fields
        self.codec = codec
        self.rowGroupSize = max(1, rowGroupSize)
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ParquetWriteError(message: "\(path): cannot create the file")
        }
        self.handle = handle
        leaves = []
        for field in fields { ParquetWriter.collectLeaves(field, path: [], def: 0, rep: 0, into: &leaves) }
        try append(Array("PAR1".utf8))
    }

    deinit { if !closed { try? handle.close() } }

    private static func collectLeaves(_ field: ParquetField, path: [String], def: Int, rep: Int, into leaves: inout [LeafBuffer]) {
        switch field.type {
        case .structure(let children):
            for child in children { collectLeaves(child, path: path + [field.name], def: def + 1, rep: rep, into: &leaves) }
        case .list(let element):
            // field (optional) -> list (repeated) -> element (optional)
            collectLeaves(ParquetField("element", element), path: path + [field.name, "list"], def: def + 2, rep: rep + 1, into: &leaves)
        default:
            leaves.append(LeafBuffer(path: path + [field.name], type: field.type, maxDefinition: def + 1, maxRepetition: rep))
        }
    }

    /// Adds one row: an object whose keys are the schema's fields (missing keys are null).
    public func write(_ row: JSONValue) throws {
        guard case .object(let object) = row else { throw ParquetWriteError(message: "row \(totalRows + 1): expected an object, got \(row.typeName)") }
        var leafIndex = 0
        for field in fields {
            try shred(object[field.name] ?? .null, field, rep: 0, def: 0, leafIndex: &leafIndex, row: totalRows + 1, path: field.name)
        }
        rowsInGroup += 1
        totalRows += 1
        if rowsInGroup >= rowGroupSize { try flushRowGroup() }
    }

    /// Splits a value into its leaves' levels and values (Dremel striping).
    private func shred(_ value: JSONValue, _ field: ParquetField, rep: Int, def: Int, leafIndex: inout Int, row: Int, path: String) throws {
        let count = ParquetWriter.leafCount(field.type)
        if value == .null {
            for k in leafIndex..<(leafIndex + count) { leaves[k].addNull(rep: rep, def: def) }
            leafIndex += count
            return
        }
        switch field.type {
        case .structure(let children):
            guard case .object(let object) = value else { throw typeError(row, path, "an object", value) }
            for child in children {
                try shred(object[child.name] ?? .null, child, rep: rep, def: def + 1, leafIndex: &leafIndex, row: row, path: path + "." + child.name)
            }
        case .list(let elementType):
            guard case .array(let items) = value else { throw typeError(row, path, "a list", value) }
            let element = ParquetField("element", elementType)
            if items.isEmpty {
                for k in leafIndex..<(leafIndex + count) { leaves[k].addNull(rep: rep, def: def + 1) }
                leafIndex += count
                return
            }
            let start = leafIndex
            let listRep = leaves[start].maxRepetition - ParquetWriter.depthOfLists(elementType)
            for (k, item) in items.enumerated() {
                var index = start
                try shred(item, element, rep: k == 0 ? rep : listRep, def: def + 2, leafIndex: &index, row: row, path: path + "[\(k)]")
            }
            leafIndex = start + count
        default:
            try leaves[leafIndex].add(value, rep: rep, def: def + 1, row: row, path: path)
            leafIndex += 1
        }
    }

    private static func leafCount(_ type: ParquetType) -> Int {
        switch type {
        case .structure(let children): return children.reduce(0) { $0 + leafCount($1.type) }
        case .list(let element): return leafCount(element)
        default: return 1
        }
    }

    /// How many list levels lie below a list's element (the repetition level of a list is its leaves'
    /// maximum minus these).
    private static func depthOfLists(_ type: ParquetType) -> Int {
        switch type {
        case .list(let element): return 1 + depthOfLists(element)
        case .structure(let children): return children.first.map { depthOfLists($0.type) } ?? 0
        default: return 0
        }
    }

    private func typeError(_ row: Int, _ path: String, _ expected: String, _ got: JSONValue) -> ParquetWriteError {
        ParquetWriteError(message: "row \(row), field \(path): expected \(expected), got \(got.typeName)")
    }

    private func append(_ bytes: [UInt8]) throws {
        do { try handle.write(contentsOf: bytes) } catch { throw ParquetWriteError(message: "\(path): cannot write: \(error.localizedDescription)") }
        offset += bytes.count
    }

    private func flushRowGroup() throws {
        guard rowsInGroup > 0 else { return }
        var columns: [[UInt8]] = []
        var groupBytes = 0
        for k in leaves.indices {
            let start = offset
            let page = leaves[k].page()
            let compressed: [UInt8]
            do { compressed = try Codecs.compress(page, codec: codec) } catch let e as Codecs.Failure { throw ParquetWriteError(message: e.message) }
            var header = ThriftWriter()
            header.structBody { h in
                h.i32(1, PageType.data.rawValue)
                h.i32(2, Int32(page.count))
                h.i32(3, Int32(compressed.count))
                h.structField(5) { d in
                    d.i32(1, Int32(leaves[k].definitions.count))
                    d.i32(2, Encoding.plain.rawValue)
                    d.i32(3, Encoding.rle.rawValue)
                    d.i32(4, Encoding.rle.rawValue)
                }
            }
            try append(header.bytes)
            try append(compressed)
            groupBytes += page.count + header.bytes.count
            columns.append(leaves[k].columnMetaData(codec: codec, dataPageOffset: start, compressedSize: offset - start,
                                                    uncompressedSize: page.count + header.bytes.count))
            leaves[k].reset()
        }
        rowGroups.append((rowsInGroup, groupBytes, columns))
        rowsInGroup = 0
    }

    /// Writes the last row group and the footer, and closes the file.
    public func close() throws {
        guard !closed else { return }
        try flushRowGroup()
        var footer = ThriftWriter()
        footer.structBody { f in
            f.i32(1, 2)
            f.structList(2, schemaElements()) { w, element in element(&w) }
            f.i64(3, Int64(totalRows))
            f.structList(4, rowGroups) { w, group in
                w.fieldHeader(1, .list)
                w.listHeader(.structure, count: group.columns.count)
                for meta in group.columns { w.appendRawStruct(meta) }
                w.i64(2, Int64(group.bytes))
                w.i64(3, Int64(group.rows))
            }
            f.structList(5, [("ARROW:schema", ArrowSchema.encoded(fields))]) { w, kv in
                w.string(1, kv.0)
                w.string(2, kv.1)
            }
            f.string(6, "oneshot (OneShotKit parquet writer)")
            // TYPE_ORDER for every column: without it readers ignore min_value / max_value.
            f.structList(7, leaves) { w, _ in w.structField(1) { _ in } }
        }
        try append(footer.bytes)
        try append(withUnsafeBytes(of: UInt32(footer.bytes.count).littleEndian) { Array($0) } + Array("PAR1".utf8))
        try handle.close()
        closed = true
    }

    /// The flattened schema: root, then every node depth first.
    private func schemaElements() -> [(inout ThriftWriter) -> Void] {
        var out: [(inout ThriftWriter) -> Void] = [{ w in w.string(4, "schema"); w.i32(5, Int32(self.fields.count)) }]
        func visit(_ field: ParquetField, repetition: Repetition = .optional) {
            switch field.type {
            case .structure(let children):
                out.append { w in w.i32(3, repetition.rawValue); w.string(4, field.name); w.i32(5, Int32(children.count)) }
                for child in children { visit(child) }
            case .list(let element):
                out.append { w in
                    w.i32(3, repetition.rawValue); w.string(4, field.name); w.i32(5, 1); w.i32(6, 3)   // LIST
                    w.structField(10) { l in l.structField(3) { _ in } }
                }
                out.append { w in w.i32(3, Repetition.repeated.rawValue); w.string(4, "list"); w.i32(5, 1) }
                visit(ParquetField("element", element))
            case .string:
                out.append { w in
                    w.i32(1, PhysicalType.byteArray.rawValue); w.i32(3, repetition.rawValue); w.string(4, field.name); w.i32(6, 0)   // UTF8
                    w.structField(10) { l in l.structField(1) { _ in } }                                                        // STRING
                }
            case .int64:
                out.append { w in w.i32(1, PhysicalType.int64.rawValue); w.i32(3, repetition.rawValue); w.string(4, field.name) }
            case .double:
                out.append { w in w.i32(1, PhysicalType.double.rawValue); w.i32(3, repetition.rawValue); w.string(4, field.name) }
            case .boolean:
                out.append { w in w.i32(1, PhysicalType.boolean.rawValue); w.i32(3, repetition.rawValue); w.string(4, field.name) }
            }
        }
        for field in fields { visit(field) }
        return out
    }
}

extension ThriftWriter {
    /// A struct already encoded elsewhere (its fields and stop byte), as a list element.
    mutating func appendRawStruct(_ bytes: [UInt8]) {
        appendBytes(bytes)
    }
}
