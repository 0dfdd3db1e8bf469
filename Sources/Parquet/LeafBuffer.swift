import JSON

/// One leaf column's levels and PLAIN values for the row group being written, with its statistics.
struct LeafBuffer {
    let path: [String]
    let type: ParquetType
    let maxDefinition: Int
    let maxRepetition: Int
    private(set) var definitions: [UInt16] = []
    private(set) var repetitions: [UInt16] = []
    private var values: [UInt8] = []
    private var booleans: [UInt64] = []
    private var nullCount = 0
    private var minimum: [UInt8]?
    private var maximum: [UInt8]?
    private var minimumNumber: Double?
    private var maximumNumber: Double?

    init(path: [String], type: ParquetType, maxDefinition: Int, maxRepetition: Int) {
        self.path = path
        self.type = type
        self.maxDefinition = maxDefinition
        self.maxRepetition = maxRepetition
    }

    mutating func addNull(rep: Int, def: Int) {
        repetitions.append(UInt16(rep))
        definitions.append(UInt16(def))
        nullCount += 1
    }

    mutating func add(_ value: JSONValue, rep: Int, def: Int, row: Int, path: String) throws {
        func mismatch(_ expected: String) -> ParquetWriteError {
            ParquetWriteError(message: "row \(row), field \(path): expected \(expected), got \(value.typeName)")
        }
        switch type {
        case .string:
            guard case .string(let s) = value else { throw mismatch("a string") }
            let bytes = Array(s.utf8)
            values += withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { Array($0) }
            values += bytes
            if minimum.map({ bytes.lexicographicallyPrecedes($0) }) ?? true { minimum = bytes }
            if maximum.map({ $0.lexicographicallyPrecedes(bytes) }) ?? true { maximum = bytes }
        case .int64:
            guard case .int(let i) = value else { throw mismatch("an integer") }
            values += withUnsafeBytes(of: i.littleEndian) { Array($0) }
            track(Double(i), bytes: withUnsafeBytes(of: i.littleEndian) { Array($0) })
        case .double:
            guard let d = value.numberValue else { throw mismatch("a number") }
            values += withUnsafeBytes(of: d.bitPattern.littleEndian) { Array($0) }
            if !d.isNaN { track(d, bytes: withUnsafeBytes(of: d.bitPattern.littleEndian) { Array($0) }) }
        case .boolean:
            guard case .bool(let b) = value else { throw mismatch("a boolean") }
            booleans.append(b ? 1 : 0)
            track(b ? 1 : 0, bytes: [b ? 1 : 0])
        case .list, .structure:
            throw mismatch("a scalar")
        }
        repetitions.append(UInt16(rep))
        definitions.append(UInt16(def))
    }

    private mutating func track(_ number: Double, bytes: [UInt8]) {
        if minimumNumber.map({ number < $0 }) ?? true { minimumNumber = number; minimum = bytes }
        if maximumNumber.map({ number > $0 }) ?? true { maximumNumber = number; maximum = bytes }
    }

    /// The uncompressed data page: repetition levels, definition levels, values.
    func page() -> [UInt8] {
        var out: [UInt8] = []
        for (levels, max) in [(repetitions, maxRepetition), (definitions, maxDefinition)] where max > 0 {
            let encoded = Encoding.hybrid(levels.map(UInt64.init), bitWidth: bitWidth(max))
            out += withUnsafeBytes(of: UInt32(encoded.count).littleEndian) { Array($0) }
            out += encoded
        }
        if case .boolean = type {
            out += Encoding.bitPack(booleans, bitWidth: 1)
        } else {
            out += values
        }
        return out
    }

    /// The ColumnChunk struct (with its ColumnMetaData) for the chunk just written.
    func columnMetaData(codec: Codec, dataPageOffset: Int, compressedSize: Int, uncompressedSize: Int) -> [UInt8] {
        var w = ThriftWriter()
        let physical: PhysicalType
        switch type {
        case .string: physical = .byteArray
        case .int64: physical = .int64
        case .double: physical = .double
        default: physical = .boolean
        }
        w.structBody { c in
            c.i64(2, Int64(dataPageOffset))
            c.structField(3) { m in
                m.i32(1, physical.rawValue)
                m.i32List(2, [Encoding.plain.rawValue, Encoding.rle.rawValue])
                m.stringList(3, path)
                m.i32(4, codec.rawValue)
                m.i64(5, Int64(definitions.count))
                m.i64(6, Int64(uncompressedSize))
                m.i64(7, Int64(compressedSize))
                m.i64(9, Int64(dataPageOffset))
                m.structField(12) { s in
                    s.i64(3, Int64(nullCount))
                    if let maximum { s.binary(5, maximum) }
                    if let minimum { s.binary(6, minimum) }
                }
            }
        }
        return w.bytes
    }

    mutating func reset() {
        definitions.removeAll(keepingCapacity: true)
        repetitions.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        booleans.removeAll(keepingCapacity: true)
        nullCount = 0
        minimum = nil
        maximum = nil
        minimumNumber = nil
        maximumNumber = nil
    }
}

extension Encoding {
    /// The RLE / bit-packed hybrid: runs of 8 or more equal values as RLE runs, the rest bit-packed in
    /// groups of 8 (the last one padded with zeros).
    static func hybrid(_ values: [UInt64], bitWidth: Int) -> [UInt8] {
        var out: [UInt8] = []
        let valueBytes = (bitWidth + 7) / 8
        var i = 0
        func varint(_ v: UInt64) { ULEB128.append(v, to: &out) }
        while i < values.count {
            var run = 1
            while i + run < values.count && values[i + run] == values[i] { run += 1 }
            if run >= 8 {
                varint(UInt64(run) << 1)
                for k in 0..<valueBytes { out.append(UInt8(truncatingIfNeeded: values[i] >> UInt64(8 * k))) }
                i += run
            } else {
                var groups: [UInt64] = Array(values[i..<min(values.count, i + 8)])
                while groups.count < 8 { groups.append(0) }
                varint(1 << 1 | 1)
                out += bitPack(groups, bitWidth: bitWidth)
                i += 8
            }
        }
        return out
    }

    /// Values packed least significant bit first.
    static func bitPack(_ values: [UInt64], bitWidth: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (values.count * bitWidth + 7) / 8)
        var bit = 0
        for v in values {
            for b in 0..<bitWidth where (v >> UInt64(b)) & 1 == 1 {
                out[(bit + b) >> 3] |= 1 << UInt8((bit + b) & 7)
            }
            bit += bitWidth
        }
        return out
    }
}
