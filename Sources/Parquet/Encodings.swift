import JSON

/// Why page bytes could not be decoded.
struct DecodeError: Error { let message: String }

/// Reads little-endian values and varints from page bytes, never past their end.
struct ByteCursor {
    let bytes: [UInt8]
    var position: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        position = start
        self.end = min(end ?? bytes.count, bytes.count)
    }

    var remaining: Int { end - position }

    mutating func take(_ n: Int) throws -> Range<Int> {
        guard n >= 0, n <= remaining else { throw DecodeError(message: "needs \(n) more bytes, \(remaining) left in the page") }
        defer { position += n }
        return position..<(position + n)
    }

    mutating func u8() throws -> UInt8 { bytes[try take(1).lowerBound] }

    mutating func littleEndian(_ n: Int) throws -> UInt64 {
        let r = try take(n)
        var v: UInt64 = 0
        for (k, i) in r.enumerated() { v |= UInt64(bytes[i]) << UInt64(8 * k) }
        return v
    }

    mutating func varint() throws -> UInt64 {
        guard let v = try ULEB128.read({ try u8() }) else { throw DecodeError(message: "varint longer than 64 bits") }
        return v
    }

    mutating func zigzag() throws -> Int64 { ULEB128.unzigzag(try varint()) }

    /// `count` values of `bitWidth` bits, packed least significant bit first.
    mutating func unpack(count: Int, bitWidth: Int, into out: inout [UInt64]) throws {
        guard bitWidth <= 64 else { throw DecodeError(message: "bit width \(bitWidth) over 64") }
        let r = try take((count * bitWidth + 7) / 8)
        guard bitWidth > 0 else { out.append(contentsOf: repeatElement(0, count: count)); return }
        var bit = 0
        let mask: UInt64 = bitWidth == 64 ? .max : (1 << UInt64(bitWidth)) - 1
        for _ in 0..<count {
            var v: UInt64 = 0
            var got = 0
            while got < bitWidth {
                let byte = UInt64(bytes[r.lowerBound + (bit >> 3)])
                let offset = bit & 7
                let take = min(8 - offset, bitWidth - got)
                v |= ((byte >> UInt64(offset)) & ((1 << UInt64(take)) - 1)) << UInt64(got)
                got += take
                bit += take
            }
            out.append(v & mask)
        }
    }
}

enum Decoding {
    /// The RLE / bit-packed hybrid: `count` values of `bitWidth` bits.
    static func hybrid(_ cursor: inout ByteCursor, bitWidth: Int, count: Int) throws -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(min(count, cursor.remaining * 8 + 64))
        let valueBytes = (bitWidth + 7) / 8
        while out.count < count {
            guard cursor.remaining > 0 else { throw DecodeError(message: "levels run past the page: \(out.count) of \(count) decoded") }
            let header = try cursor.varint()
            if header & 1 == 0 {
                let run = Int(clamping: header >> 1)
                let value = try cursor.littleEndian(valueBytes)
                out.append(contentsOf: repeatElement(value, count: min(run, count - out.count)))
            } else {
                let groups = Int(clamping: header >> 1)
                guard groups <= (cursor.remaining * 8) / max(bitWidth, 1) + 1 else { throw DecodeError(message: "bit-packed run longer than the page") }
                var unpacked: [UInt64] = []
                try cursor.unpack(count: groups * 8, bitWidth: bitWidth, into: &unpacked)
                out.append(contentsOf: unpacked.prefix(count - out.count))
            }
        }
        return out
    }

    /// DELTA_BINARY_PACKED integers.
    static func deltaBinaryPacked(_ cursor: inout ByteCursor) throws -> [Int64] {
        let blockSize = Int(clamping: try cursor.varint())
        let miniblocks = Int(clamping: try cursor.varint())
        let total = Int(clamping: try cursor.varint())
        var last = try cursor.zigzag()
        guard miniblocks > 0, blockSize % miniblocks == 0, (blockSize / miniblocks) % 8 == 0, total <= cursor.bytes.count * 64 + 1 else {
            throw DecodeError(message: "invalid DELTA_BINARY_PACKED header")
        }
        var out: [Int64] = [last]
        out.reserveCapacity(min(total, cursor.remaining * 8 + 1))
        let perMiniblock = blockSize / miniblocks
        while out.count < total {
            let minDelta = try cursor.zigzag()
            var widths: [Int] = []
            for _ in 0..<miniblocks { widths.append(Int(try cursor.u8())) }
            for width in widths {
                guard out.count < total else { break }
                var deltas: [UInt64] = []
                try cursor.unpack(count: perMiniblock, bitWidth: width, into: &deltas)
                for d in deltas where out.count < total {
                    last = last &+ minDelta &+ Int64(bitPattern: d)
                    out.append(last)
                }
            }
        }
        return Array(out.prefix(total))
    }
}

/// Turns a column's physical values into JSON values the way pyarrow's `to_pylist` shows them.
struct ValueDecoder {
    let type: PhysicalType
    let typeLength: Int
    let isString: Bool

    func value(fromBytes range: Range<Int>, in bytes: [UInt8]) throws -> JSONValue {
        if isString {
            guard let s = String(validating: bytes[range], as: UTF8.self) else { throw DecodeError(message: "a string value is not valid UTF-8") }
            return .string(s)
        }
        return .string(base64(bytes[range]))
    }

    /// `count` PLAIN-encoded values.
    func plain(_ cursor: inout ByteCursor, count: Int) throws -> [JSONValue] {
        var out: [JSONValue] = []
        out.reserveCapacity(min(count, cursor.remaining * 8))
        switch type {
        case .boolean:
            var bits: [UInt64] = []
            try cursor.unpack(count: count, bitWidth: 1, into: &bits)
            out = bits.map { .bool($0 == 1) }
        case .int32:
            for _ in 0..<count { out.append(.int(Int64(Int32(truncatingIfNeeded: try cursor.littleEndian(4))))) }
        case .int64:
            for _ in 0..<count { out.append(.int(Int64(bitPattern: try cursor.littleEndian(8)))) }
        case .int96:
            for _ in 0..<count { out.append(.string(base64(cursor.bytes[try cursor.take(12)]))) }
        case .float:
            for _ in 0..<count { out.append(.double(Double(Float(bitPattern: UInt32(try cursor.littleEndian(4)))))) }
        case .double:
            for _ in 0..<count { out.append(.double(Double(bitPattern: try cursor.littleEndian(8)))) }
        case .byteArray:
            for _ in 0..<count {
                let length = Int(try cursor.littleEndian(4))
                out.append(try value(fromBytes: try cursor.take(length), in: cursor.bytes))
            }
        case .fixedLenByteArray:
            for _ in 0..<count { out.append(try value(fromBytes: try cursor.take(typeLength), in: cursor.bytes)) }
        }
        return out
    }

    /// `count` values in `encoding` (dictionary encodings are resolved by the caller).
    func decode(_ cursor: inout ByteCursor, encoding: Int32, count: Int) throws -> [JSONValue] {
        switch Encoding(rawValue: encoding) {
        case .plain:
            return try plain(&cursor, count: count)
        case .rle where type == .boolean:
            // Booleans as a length-prefixed RLE / bit-packed hybrid of width 1.
            let length = Int(try cursor.littleEndian(4))
            let range = try cursor.take(length)
            var runs = ByteCursor(cursor.bytes, from: range.lowerBound, to: range.upperBound)
            return try Decoding.hybrid(&runs, bitWidth: 1, count: count).map { .bool($0 == 1) }
        case .deltaBinaryPacked:
            guard type == .int32 || type == .int64 else { throw DecodeError(message: "DELTA_BINARY_PACKED on \(type)") }
            return try Decoding.deltaBinaryPacked(&cursor).prefix(count).map { .int($0) }
        case .deltaLengthByteArray:
            let lengths = try Decoding.deltaBinaryPacked(&cursor)
            return try lengths.prefix(count).map { length in try value(fromBytes: try cursor.take(Int(length)), in: cursor.bytes) }
        case .deltaByteArray:
            let prefixes = try Decoding.deltaBinaryPacked(&cursor)
            let suffixLengths = try Decoding.deltaBinaryPacked(&cursor)
            var previous: [UInt8] = []
            var out: [JSONValue] = []
            for (prefix, length) in zip(prefixes, suffixLengths).prefix(count) {
                guard prefix >= 0, Int(prefix) <= previous.count else { throw DecodeError(message: "DELTA_BYTE_ARRAY prefix longer than the previous value") }
                let suffix = try cursor.take(Int(length))
                previous = Array(previous.prefix(Int(prefix))) + cursor.bytes[suffix]
                out.append(try value(fromBytes: 0..<previous.count, in: previous))
            }
            return out
        default:
            throw DecodeError(message: "encoding \(Encoding(rawValue: encoding).map { "\($0)" } ?? String(encoding)) is not supported")
        }
    }
}

private let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

/// Standard base64 (binary columns have no JSON form of their own).
func base64(_ bytes: ArraySlice<UInt8>) -> String {
    var out: [UInt8] = []
    var i = bytes.startIndex
    while i < bytes.endIndex {
        let n = min(3, bytes.endIndex - i)
        let b0 = UInt32(bytes[i]), b1 = n > 1 ? UInt32(bytes[i + 1]) : 0, b2 = n > 2 ? UInt32(bytes[i + 2]) : 0
        let v = b0 << 16 | b1 << 8 | b2
        out.append(base64Alphabet[Int(v >> 18 & 63)])
        out.append(base64Alphabet[Int(v >> 12 & 63)])
        out.append(n > 1 ? base64Alphabet[Int(v >> 6 & 63)] : UInt8(ascii: "="))
        out.append(n > 2 ? base64Alphabet[Int(v & 63)] : UInt8(ascii: "="))
        i += n
    }
    return String(decoding: out, as: UTF8.self)
}
