/// Builds FlatBuffers back to front, as the format intends: just enough for Arrow's schema message.
struct FlatBufferBuilder {
    /// The buffer's bytes in reverse order: index 0 is the last byte of the finished buffer.
    private var reversed: [UInt8] = []
    private var vtable: [Int] = []
    private var objectStart = 0
    private var minAlignment = 1

    /// Bytes written so far, counted from the end of the finished buffer.
    var offset: Int { reversed.count }

    private mutating func pad(_ n: Int) { reversed.append(contentsOf: repeatElement(0, count: n)) }

    /// Aligns so that, after `additional` more bytes, a value of `size` bytes lands aligned.
    mutating func prepare(_ size: Int, _ additional: Int) {
        minAlignment = max(minAlignment, size)
        pad((~(offset + additional) + 1) & (size - 1))
    }

    private mutating func raw<T: FixedWidthInteger>(_ value: T) {
        let bytes = withUnsafeBytes(of: value.littleEndian) { Array($0) }
        reversed.append(contentsOf: bytes.reversed())
    }

    mutating func add<T: FixedWidthInteger>(_ value: T) {
        prepare(MemoryLayout<T>.size, 0)
        raw(value)
    }

    /// A reference to something already written at `target`.
    mutating func addOffset(_ target: Int) {
        prepare(4, 0)
        raw(UInt32(offset - target + 4))
    }

    mutating func string(_ text: String) -> Int {
        let bytes = Array(text.utf8)
        prepare(4, bytes.count + 1)
        reversed.append(0)
        reversed.append(contentsOf: bytes.reversed())
        raw(UInt32(bytes.count))
        return offset
    }

    mutating func vector(of offsets: [Int]) -> Int {
        prepare(4, 4 * offsets.count)
        for target in offsets.reversed() { addOffset(target) }
        raw(UInt32(offsets.count))
        return offset
    }

    mutating func startTable(fields: Int) {
        vtable = Array(repeating: 0, count: fields)
        objectStart = offset
    }

    mutating func field<T: FixedWidthInteger>(_ index: Int, _ value: T) {
        add(value)
        vtable[index] = offset
    }

    mutating func offsetField(_ index: Int, _ target: Int) {
        addOffset(target)
        vtable[index] = offset
    }

    mutating func endTable() -> Int {
        prepare(4, 0)
        raw(Int32(0))                                  // patched below to point at the vtable
        let object = offset
        for position in vtable.reversed() { raw(UInt16(position == 0 ? 0 : object - position)) }
        raw(UInt16(object - objectStart))
        raw(UInt16((vtable.count + 2) * 2))
        let table = offset
        let distance = withUnsafeBytes(of: Int32(table - object).littleEndian) { Array($0) }
        for k in 0..<4 { reversed[object - 1 - k] = distance[k] }
        return object
    }

    /// The finished buffer with `root` as its root table.
    mutating func finish(root: Int) -> [UInt8] {
        prepare(max(minAlignment, 8), 4)
        addOffset(root)
        return reversed.reversed()
    }
}

/// A column's Arrow type, for the `ARROW:schema` metadata pyarrow and pandas read back.
public indirect enum ParquetType: Sendable, Equatable {
    case string, int64, double, boolean
    case list(ParquetType)
    case structure([ParquetField])
}

/// A named, nullable column or struct field.
public struct ParquetField: Sendable, Equatable {
    public let name: String
    public let type: ParquetType

    public init(_ name: String, _ type: ParquetType) {
        self.name = name
        self.type = type
    }
}

enum ArrowSchema {
    /// The base64 of an Arrow IPC schema message for `fields`, as pyarrow stores it under ARROW:schema.
    static func encoded(_ fields: [ParquetField]) -> String {
        var b = FlatBufferBuilder()
        let fieldOffsets = fields.map { field(&b, $0) }
        let vector = b.vector(of: fieldOffsets)
        b.startTable(fields: 4)
        b.offsetField(1, vector)
        let schema = b.endTable()
        b.startTable(fields: 5)
        b.field(3, Int64(0))                 // bodyLength
        b.offsetField(2, schema)             // header
        b.field(0, Int16(4))                 // version: V5
        b.field(1, UInt8(1))                 // header_type: Schema
        let message = b.endTable()
        var flat = b.finish(root: message)
        while flat.count % 8 != 0 { flat.append(0) }
        var framed: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
        framed += withUnsafeBytes(of: UInt32(flat.count).littleEndian) { Array($0) }
        framed += flat
        return base64(framed[...])
    }

    private static func field(_ b: inout FlatBufferBuilder, _ field: ParquetField) -> Int {
        let children: [ParquetField]
        switch field.type {
        case .list(let element): children = [ParquetField("item", element)]
        case .structure(let fields): children = fields
        default: children = []
        }
        let childOffsets = children.map { self.field(&b, $0) }
        let childVector = b.vector(of: childOffsets)
        let (typeID, typeTable) = type(&b, field.type)
        let name = b.string(field.name)
        b.startTable(fields: 7)
        b.offsetField(0, name)
        b.offsetField(3, typeTable)
        b.offsetField(5, childVector)
        b.field(1, UInt8(1))                  // nullable
        b.field(2, UInt8(typeID))             // type_type
        return b.endTable()
    }

    /// The Type union member and its table.
    private static func type(_ b: inout FlatBufferBuilder, _ type: ParquetType) -> (Int, Int) {
        switch type {
        case .string:
            b.startTable(fields: 0)
            return (5, b.endTable())              // Utf8
        case .int64:
            b.startTable(fields: 2)
            b.field(0, Int32(64))                  // bitWidth
            b.field(1, UInt8(1))                   // is_signed
            return (2, b.endTable())              // Int
        case .double:
            b.startTable(fields: 1)
            b.field(0, Int16(2))                   // precision: DOUBLE
            return (3, b.endTable())              // FloatingPoint
        case .boolean:
            b.startTable(fields: 0)
            return (6, b.endTable())              // Bool
        case .list:
            b.startTable(fields: 0)
            return (12, b.endTable())             // List
        case .structure:
            b.startTable(fields: 0)
            return (13, b.endTable())             // Struct_
        }
    }
}
