/// Parquet's physical types.
public enum PhysicalType: Int32, Sendable, CustomStringConvertible {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7

    /// The name Parquet's specification uses.
    public var description: String {
        ["BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"][Int(rawValue)]
    }
}

public enum Repetition: Int32, Sendable, CustomStringConvertible {
    case required = 0, optional = 1, repeated = 2

    public var description: String { ["required", "optional", "repeated"][Int(rawValue)] }
}

/// The encodings this reader understands (others are named in errors).
public enum Encoding: Int32, Sendable {
    case plain = 0, plainDictionary = 2, rle = 3, bitPacked = 4, deltaBinaryPacked = 5, deltaLengthByteArray = 6,
         deltaByteArray = 7, rleDictionary = 8, byteStreamSplit = 9
}

public enum Codec: Int32, Sendable, CustomStringConvertible {
    case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7

    /// The name Parquet's specification uses.
    public var description: String {
        ["UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"][Int(rawValue)]
    }
}

/// What a column's bytes mean beyond the physical type.
public enum LogicalKind: Sendable, Equatable {
    case none, string, list, map, json, other(String)
}

/// One node of the flattened schema in the footer.
public struct SchemaElement: Sendable {
    public var name: String
    public var type: PhysicalType?
    public var typeLength: Int32?
    public var repetition: Repetition?
    public var numChildren: Int32
    public var convertedType: Int32?
    public var logical: LogicalKind = .none
}

public struct Statistics: Sendable {
    public var nullCount: Int64?
    public var min: [UInt8]?
    public var max: [UInt8]?
}

public struct ColumnMetaData: Sendable {
    public var type: PhysicalType
    public var encodings: [Int32]
    public var path: [String]
    public var codec: Int32
    public var numValues: Int64
    public var totalUncompressedSize: Int64
    public var totalCompressedSize: Int64
    public var dataPageOffset: Int64
    public var dictionaryPageOffset: Int64?
    public var statistics: Statistics?
}

public struct RowGroup: Sendable {
    public var columns: [ColumnMetaData]
    public var totalByteSize: Int64
    public var numRows: Int64
}

public struct FileMetaData: Sendable {
    public var version: Int32
    public var schema: [SchemaElement]
    public var numRows: Int64
    public var rowGroups: [RowGroup]
    public var keyValues: [(key: String, value: String?)]
    public var createdBy: String?
}

enum PageType: Int32 { case data = 0, index = 1, dictionary = 2, dataV2 = 3 }

struct PageHeader {
    var type: Int32 = 0
    var uncompressedSize: Int32 = 0
    var compressedSize: Int32 = 0
    // data page v1 and v2
    var numValues: Int32 = 0
    var encoding: Int32 = 0
    var definitionEncoding: Int32 = 3
    var repetitionEncoding: Int32 = 3
    // v2
    var numNulls: Int32 = 0
    var numRows: Int32 = 0
    var definitionLevelsLength: Int32 = 0
    var repetitionLevelsLength: Int32 = 0
    var isCompressed = true
}

// MARK: - Decoding

extension FileMetaData {
    init(thrift bytes: [UInt8]) throws {
        var r = ThriftReader(bytes)
        var version: Int32 = 0, numRows: Int64 = 0, createdBy: String?
        var schema: [SchemaElement] = [], rowGroups: [RowGroup] = [], keyValues: [(String, String?)] = []
        try r.structure { r, id, _ in
            switch id {
            case 1: version = try r.i32()
            case 2: schema = try r.list { try SchemaElement(&$0) }
            case 3: numRows = try r.i64()
            case 4: rowGroups = try r.list { try RowGroup(&$0) }
            case 5: keyValues = try r.list { r in
                var key = "", value: String?
                try r.structure { r, id, _ in
                    switch id {
                    case 1: key = try r.string()
                    case 2: value = try r.string()
                    default: return false
                    }
                    return true
                }
                return (key, value)
            }
            case 6: createdBy = try r.string()
            default: return false
            }
            return true
        }
        self.init(version: version, schema: schema, numRows: numRows, rowGroups: rowGroups,
                  keyValues: keyValues.map { (key: $0.0, value: $0.1) }, createdBy: createdBy)
    }
}

extension SchemaElement {
    init(_ r: inout ThriftReader) throws {
        var e = SchemaElement(name: "", type: nil, typeLength: nil, repetition: nil, numChildren: 0, convertedType: nil)
        try r.structure { r, id, _ in
            switch id {
            case 1: e.type = PhysicalType(rawValue: try r.i32())
            case 2: e.typeLength = try r.i32()
            case 3: e.repetition = Repetition(rawValue: try r.i32())
            case 4: e.name = try r.string()
            case 5: e.numChildren = try r.i32()
            case 6: e.convertedType = try r.i32()
            case 10:
                try r.structure { r, id, type in
                    switch id {
                    case 1: e.logical = .string
                    case 2: e.logical = .map
                    case 3: e.logical = .list
                    case 12: e.logical = .json
                    default: e.logical = .other("logical type \(id)")
                    }
                    try r.skip(type)
                    return true
                }
            default: return false
            }
            return true
        }
        if e.logical == .none, let converted = e.convertedType {
            switch converted {
            case 0: e.logical = .string        // UTF8
            case 1, 2: e.logical = .map        // MAP, MAP_KEY_VALUE
            case 3: e.logical = .list          // LIST
            case 4: e.logical = .string        // ENUM
            case 19: e.logical = .json         // JSON
            default: break
            }
        }
        self = e
    }
}

extension RowGroup {
    init(_ r: inout ThriftReader) throws {
        var columns: [ColumnMetaData] = [], total: Int64 = 0, rows: Int64 = 0
        try r.structure { r, id, _ in
            switch id {
            case 1: columns = try r.list { r in
                var meta: ColumnMetaData?
                try r.structure { r, id, _ in
                    guard id == 3 else { return false }
                    meta = try ColumnMetaData(&r)
                    return true
                }
                guard let meta else { throw ThriftError(message: "a column chunk has no metadata (external or encrypted columns are not supported)") }
                return meta
            }
            case 2: total = try r.i64()
            case 3: rows = try r.i64()
            default: return false
            }
            return true
        }
        self.init(columns: columns, totalByteSize: total, numRows: rows)
    }
}

extension ColumnMetaData {
    init(_ r: inout ThriftReader) throws {
        var m = ColumnMetaData(type: .int32, encodings: [], path: [], codec: 0, numValues: 0, totalUncompressedSize: 0,
                               totalCompressedSize: 0, dataPageOffset: 0, dictionaryPageOffset: nil, statistics: nil)
        var sawType = false
        try r.structure { r, id, _ in
            switch id {
            case 1:
                let raw = try r.i32()
                guard let t = PhysicalType(rawValue: raw) else { throw ThriftError(message: "unknown physical type \(raw)") }
                m.type = t
                sawType = true
            case 2: m.encodings = try r.list { try $0.i32() }
            case 3: m.path = try r.list { try $0.string() }
            case 4: m.codec = try r.i32()
            case 5: m.numValues = try r.i64()
            case 6: m.totalUncompressedSize = try r.i64()
            case 7: m.totalCompressedSize = try r.i64()
            case 9: m.dataPageOffset = try r.i64()
            case 11: m.dictionaryPageOffset = try r.i64()
            case 12: m.statistics = try Statistics(&r)
            default: return false
            }
            return true
        }
        guard sawType else { throw ThriftError(message: "column metadata without a type") }
        self = m
    }
}

extension Statistics {
    init(_ r: inout ThriftReader) throws {
        var s = Statistics()
        try r.structure { r, id, _ in
            switch id {
            case 3: s.nullCount = try r.i64()
            case 5: s.max = try r.binary()
            case 6: s.min = try r.binary()
            default: return false
            }
            return true
        }
        self = s
    }
}

extension PageHeader {
    init(_ r: inout ThriftReader) throws {
        var h = PageHeader()
        try r.structure { r, id, _ in
            switch id {
            case 1: h.type = try r.i32()
            case 2: h.uncompressedSize = try r.i32()
            case 3: h.compressedSize = try r.i32()
            case 5:   // data page v1
                try r.structure { r, id, _ in
                    switch id {
                    case 1: h.numValues = try r.i32()
                    case 2: h.encoding = try r.i32()
                    case 3: h.definitionEncoding = try r.i32()
                    case 4: h.repetitionEncoding = try r.i32()
                    default: return false
                    }
                    return true
                }
            case 7:   // dictionary page (field 3 is the boolean is_sorted)
                try r.structure { r, id, _ in
                    switch id {
                    case 1: h.numValues = try r.i32()
                    case 2: h.encoding = try r.i32()
                    default: return false
                    }
                    return true
                }
            case 8:
                try r.structure { r, id, type in
                    switch id {
                    case 1: h.numValues = try r.i32()
                    case 2: h.numNulls = try r.i32()
                    case 3: h.numRows = try r.i32()
                    case 4: h.encoding = try r.i32()
                    case 5: h.definitionLevelsLength = try r.i32()
                    case 6: h.repetitionLevelsLength = try r.i32()
                    case 7: h.isCompressed = type == .boolTrue
                    default: return false
                    }
                    return true
                }
            default: return false
            }
            return true
        }
        self = h
    }
}
