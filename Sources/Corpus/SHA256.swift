import CCrypto

/// SHA-256, streaming, through OpenSSL's libcrypto (which uses the CPU's SHA instructions when present).
///
/// Identifies imported files (a file imported twice is recognised by its hash) and normalised texts.
public final class SHA256 {
    private let context: OpaquePointer

    /// The algorithm, looked up once: given `EVP_sha256()`, OpenSSL 3 looks it up by name on every
    /// initialisation, which cost more than hashing a short text (one per imported example).
    nonisolated(unsafe) private static let algorithm: OpaquePointer = {
        guard let md = EVP_MD_fetch(nil, "SHA256", nil) else { fatalError("libcrypto: no SHA256") }
        return md
    }()

    public init() {
        guard let context = EVP_MD_CTX_new() else { fatalError("libcrypto: out of memory") }
        self.context = context
        EVP_DigestInit_ex(context, SHA256.algorithm, nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes` to the message.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    /// Adds `bytes` to the message.
    public func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    /// Finishes the hash and returns the 32-byte digest; the hasher starts over afterwards.
    public func digest() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &out, &length)
        EVP_DigestInit_ex(context, SHA256.algorithm, nil)
        return out
    }

    /// Finishes the hash and returns the digest as 64 lowercase hex digits.
    public func hexDigest() -> String {
        hexString(digest())
    }

    /// The SHA-256 of `bytes` as hex.
    public static func hex<Bytes: Sequence>(of bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let h = SHA256()
        h.update(bytes)
        return h.hexDigest()
    }
}

/// Lowercase hex of `bytes`.
func hexString(_ bytes: [UInt8]) -> String {
    String(unsafeUninitializedCapacity: 2 * bytes.count) { out in
        for (i, b) in bytes.enumerated() {
            out[2 * i] = hexDigits[Int(b >> 4)]
            out[2 * i + 1] = hexDigits[Int(b & 15)]
        }
        return 2 * bytes.count
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
