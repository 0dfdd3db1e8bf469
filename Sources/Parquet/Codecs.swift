import CSnappy
import CZlib
import CZstd

/// Page compression through Debian's libraries: snappy, zstd and zlib (gzip).
enum Codecs {
    struct Failure: Error { let message: String }

    /// Decompresses `input` to exactly `size` bytes.
    static func decompress(_ input: ArraySlice<UInt8>, codec: Int32, size: Int) throws -> [UInt8] {
        guard size >= 0, size <= 1 << 31 else { throw Failure(message: "page claims \(size) uncompressed bytes") }
        switch Codec(rawValue: codec) {
        case .uncompressed:
            guard input.count == size else { throw Failure(message: "uncompressed page of \(input.count) bytes, header says \(size)") }
            return Array(input)
        case .snappy:
            var out = [UInt8](repeating: 0, count: size)
            var length = size
            let status = input.withUnsafeBytes { src in
                out.withUnsafeMutableBytes { dst in
                    snappy_uncompress(src.baseAddress?.assumingMemoryBound(to: CChar.self), src.count,
                                      dst.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
                }
            }
            guard status == SNAPPY_OK, length == size else { throw Failure(message: "snappy data does not decompress (status \(status.rawValue))") }
            return out
        case .zstd:
            var out = [UInt8](repeating: 0, count: size)
            let written = input.withUnsafeBytes { src in
                out.withUnsafeMutableBytes { dst in ZSTD_decompress(dst.baseAddress, size, src.baseAddress, src.count) }
            }
            guard ZSTD_isError(written) == 0, written == size else {
                throw Failure(message: "zstd data does not decompress (\(ZSTD_isError(written) != 0 ? String(cString: ZSTD_getErrorName(written)) : "\(written) bytes, expected \(size)"))")
            }
            return out
        case .gzip:
            return try inflate(input, size: size)
        case let other:
            throw Failure(message: "codec \(other.map { "\($0)" } ?? String(codec)) is not supported (UNCOMPRESSED, SNAPPY, GZIP and ZSTD are)")
        }
    }

    private static func inflate(_ input: ArraySlice<UInt8>, size: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(message: "zlib cannot start")
        }
        defer { inflateEnd(&stream) }
        let status = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst -> Int32 in
                stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress?.assumingMemoryBound(to: Bytef.self))
                stream.avail_in = uInt(src.count)
                stream.next_out = dst.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(size)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == size else {
            throw Failure(message: "gzip data does not decompress (zlib status \(status))")
        }
        return out
    }

    /// Compresses `input` with `codec` (the writer uses SNAPPY by default).
    static func compress(_ input: [UInt8], codec: Codec) throws -> [UInt8] {
        switch codec {
        case .uncompressed:
            return input
        case .snappy:
            var length = snappy_max_compressed_length(input.count)
            var out = [UInt8](repeating: 0, count: length)
            let status = input.withUnsafeBytes { src in
                out.withUnsafeMutableBytes { dst in
                    snappy_compress(src.baseAddress?.assumingMemoryBound(to: CChar.self), src.count,
                                    dst.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
                }
            }
            guard status == SNAPPY_OK else { throw Failure(message: "snappy compression failed") }
            out.removeLast(out.count - length)
            return out
        case .zstd:
            var out = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
            let written = input.withUnsafeBytes { src in
                out.withUnsafeMutableBytes { dst in ZSTD_compress(dst.baseAddress, dst.count, src.baseAddress, src.count, 3) }
            }
            guard ZSTD_isError(written) == 0 else { throw Failure(message: "zstd compression failed") }
            out.removeLast(out.count - written)
            return out
        case .gzip:
            var stream = z_stream()
            guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                                Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw Failure(message: "zlib cannot start") }
            defer { deflateEnd(&stream) }
            var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
            let status = input.withUnsafeBytes { src in
                out.withUnsafeMutableBytes { dst -> Int32 in
                    stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress?.assumingMemoryBound(to: Bytef.self))
                    stream.avail_in = uInt(src.count)
                    stream.next_out = dst.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(dst.count)
                    return deflate(&stream, Z_FINISH)
                }
            }
            guard status == Z_STREAM_END else { throw Failure(message: "gzip compression failed") }
            out.removeLast(out.count - Int(stream.total_out))
            return out
        default:
            throw Failure(message: "the writer supports UNCOMPRESSED, SNAPPY, GZIP and ZSTD")
        }
    }
}
