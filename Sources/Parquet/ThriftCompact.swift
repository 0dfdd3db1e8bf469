/// Thrift's compact protocol, the encoding of Parquet's footer and page headers.
///
/// Only what Parquet uses: structs of integers, doubles, binaries, booleans, lists and nested structs.
/// Unknown fields are skipped, so files written by newer writers still read.
enum ThriftType: UInt8 {
    case stop = 0, boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7, binary = 8,
         list = 9, set = 10, map = 11, structure = 12
}

/// Why Thrift bytes could not be read.
struct ThriftError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Reads compact-protocol values from a byte buffer, refusing to read past its end.
struct ThriftReader {
    let bytes: [UInt8]
    private(set) var position: Int
    private var depth = 0

    init(_ bytes: [UInt8], at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw ThriftError(message: "Thrift data ends early (at byte \(position))") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() throws -> UInt64 {
        guard let v = try ULEB128.read({ try byte() }) else {
            throw ThriftError(message: "Thrift varint longer than 64 bits at byte \(position)")
        }
        return v
    }

    mutating func zigzag() throws -> Int64 { ULEB128.unzigzag(try varint()) }

    mutating func i32() throws -> Int32 {
        let v = try zigzag()
        guard let r = Int32(exactly: v) else { throw ThriftError(message: "Thrift i32 out of range: \(v)") }
        return r
    }

    mutating func i64() throws -> Int64 { try zigzag() }

    mutating func double() throws -> Double {
        guard position + 8 <= bytes.count else { throw ThriftError(message: "Thrift data ends early (double)") }
        var bits: UInt64 = 0
        for k in 0..<8 { bits |= UInt64(bytes[position + k]) << UInt64(8 * k) }
        position += 8
        return Double(bitPattern: bits)
    }

    mutating func binary() throws -> [UInt8] {
        let length = try varint()
        guard length <= UInt64(bytes.count - position) else {
            throw ThriftError(message: "Thrift binary of \(length) bytes runs past the end (at byte \(position))")
        }
        defer { position += Int(length) }
        return Array(bytes[position..<(position + Int(length))])
    }

    mutating func string() throws -> String {
        String(decoding: try binary(), as: UTF8.self)
    }

    /// A list header: element type and count.
    mutating func listHeader() throws -> (ThriftType, Int) {
        let header = try byte()
        guard let type = ThriftType(rawValue: header & 0x0F) else { throw ThriftError(message: "unknown Thrift list element type \(header & 0x0F)") }
        var count = Int(header >> 4)
        if count == 15 {
            let v = try varint()
            guard v <= UInt64(bytes.count) else { throw ThriftError(message: "Thrift list of \(v) elements in a \(bytes.count)-byte buffer") }
            count = Int(v)
        }
        return (type, count)
    }

    /// A list of elements read by `element`.
    mutating func list<T>(_ element: (inout ThriftReader) throws -> T) throws -> [T] {
        let (_, count) = try listHeader()
        var result: [T] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try element(&self)) }
        return result
    }

    /// Reads a struct, calling `field` with each field's id and type; `field` returns false for fields it
    /// does not know, which are then skipped.
    mutating func structure(_ field: (inout ThriftReader, Int16, ThriftType) throws -> Bool) throws {
        depth += 1
        defer { depth -= 1 }
        if depth > 64 { throw ThriftError(message: "Thrift structs nested deeper than 64") }
        var lastID: Int16 = 0
        while true {
            let header = try byte()
            guard let type = ThriftType(rawValue: header & 0x0F) else { throw ThriftError(message: "unknown Thrift field type \(header & 0x0F)") }
            if type == .stop { return }
            let delta = Int16(header >> 4)
            let id = delta == 0 ? Int16(truncatingIfNeeded: try zigzag()) : lastID &+ delta
            lastID = id
            if try !field(&self, id, type) { try skip(type) }
        }
    }

    /// Skips a value of `type`.
    mutating func skip(_ type: ThriftType) throws {
        switch type {
        case .stop, .boolTrue, .boolFalse: break
        case .byte: _ = try byte()
        case .i16, .i32, .i64: _ = try varint()
        case .double: _ = try double()
        case .binary: _ = try binary()
        case .list, .set:
            let (element, count) = try listHeader()
            for _ in 0..<count {
                if element == .boolTrue || element == .boolFalse { _ = try byte() } else { try skip(element) }
            }
        case .map:
            let count = try varint()
            guard count > 0 else { return }
            let types = try byte()
            guard let key = ThriftType(rawValue: types >> 4), let value = ThriftType(rawValue: types & 0x0F) else {
                throw ThriftError(message: "unknown Thrift map types")
            }
            guard count <= UInt64(bytes.count) else { throw ThriftError(message: "Thrift map too large") }
            for _ in 0..<count { try skip(key); try skip(value) }
        case .structure: try structure { _, _, _ in false }
        }
    }
}

/// Writes compact-protocol values.
struct ThriftWriter {
    private(set) var bytes: [UInt8] = []
    private var lastIDs: [Int16] = [0]

    mutating func varint(_ value: UInt64) { ULEB128.append(value, to: &bytes) }

    mutating func zigzag(_ value: Int64) { varint(ULEB128.zigzag(value)) }

    mutating func fieldHeader(_ id: Int16, _ type: ThriftType) {
        let delta = id - lastIDs[lastIDs.count - 1]
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            zigzag(Int64(id))
        }
        lastIDs[lastIDs.count - 1] = id
    }

    mutating func i32(_ id: Int16, _ value: Int32) { fieldHeader(id, .i32); zigzag(Int64(value)) }
    mutating func i64(_ id: Int16, _ value: Int64) { fieldHeader(id, .i64); zigzag(value) }
    mutating func bool(_ id: Int16, _ value: Bool) { fieldHeader(id, value ? .boolTrue : .boolFalse) }
    mutating func binary(_ id: Int16, _ value: [UInt8]) { fieldHeader(id, .binary); rawBinary(value) }
    mutating func string(_ id: Int16, _ value: String) { binary(id, Array(value.utf8)) }

    mutating func appendBytes(_ value: [UInt8]) {
        bytes.append(contentsOf: value)
    }

    mutating func rawBinary(_ value: [UInt8]) {
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func listHeader(_ type: ThriftType, count: Int) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type.rawValue)
        } else {
            bytes.append(0xF0 | type.rawValue)
            varint(UInt64(count))
        }
    }

    /// A struct field whose body `body` writes.
    mutating func structField(_ id: Int16, _ body: (inout ThriftWriter) -> Void) {
        fieldHeader(id, .structure)
        structBody(body)
    }

    /// A struct body (fields then stop) at the current position.
    mutating func structBody(_ body: (inout ThriftWriter) -> Void) {
        lastIDs.append(0)
        body(&self)
        bytes.append(ThriftType.stop.rawValue)
        lastIDs.removeLast()
    }

    /// A list of structs.
    mutating func structList<T>(_ id: Int16, _ items: [T], _ body: (inout ThriftWriter, T) -> Void) {
        fieldHeader(id, .list)
        listHeader(.structure, count: items.count)
        for item in items { structBody { body(&$0, item) } }
    }

    mutating func i32List(_ id: Int16, _ items: [Int32]) {
        fieldHeader(id, .list)
        listHeader(.i32, count: items.count)
        for item in items { zigzag(Int64(item)) }
    }

    mutating func stringList(_ id: Int16, _ items: [String]) {
        fieldHeader(id, .list)
        listHeader(.binary, count: items.count)
        for item in items { rawBinary(Array(item.utf8)) }
    }
}
