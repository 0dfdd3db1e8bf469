/// Unsigned LEB128 varints (7 bits a byte, low group first) and zigzag signs: how Thrift's compact
/// protocol and Parquet's RLE and DELTA encodings write integers.
enum ULEB128 {
    /// Appends `value` to `bytes`.
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Reads one varint, taking bytes from `nextByte`; nil when it runs past 64 bits.
    static func read(_ nextByte: () throws -> UInt8) rethrows -> UInt64? {
        var result: UInt64 = 0, shift: UInt64 = 0
        while true {
            let b = try nextByte()
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { return nil }
        }
    }

    /// The signed value of a zigzag-encoded varint.
    static func unzigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1))) }

    /// The zigzag encoding of a signed value.
    static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
}
