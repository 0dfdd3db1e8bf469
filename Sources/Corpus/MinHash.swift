import Foundation

/// MinHash signatures and LSH banding for near-duplicate candidates.
///
/// Permutation `i` maps a shingle hash `x` to `fmix32(x₃₂ ⊕ sᵢ)`, MurmurHash3's 32-bit finaliser over the
/// shingle's high 32 bits keyed by a seeded random `sᵢ`: independent, well-mixed 32-bit values per
/// permutation (datasketch's `(a·x + b) mod (2⁶¹ − 1)` serves the same purpose), computed eight
/// permutations at a time in vector registers. Candidates that share a band are confirmed by their real
/// Jaccard similarity over the full 64-bit shingle sets; the signature only proposes.
public struct MinHasher: Sendable {
    public let permutations: Int
    private let seeds: [SIMD8<UInt32>]

    /// - Parameter permutations: a multiple of 8.
    public init(permutations: Int = 128, seed: UInt64 = 1) {
        precondition(permutations > 0 && permutations % 8 == 0, "permutations must be a positive multiple of 8")
        self.permutations = permutations
        var rng = SplitMix64(seed: seed)
        seeds = (0..<(permutations / 8)).map { _ in
            SIMD8<UInt32>((0..<8).map { _ in UInt32(truncatingIfNeeded: rng.next()) })
        }
    }

    /// The signature of a set of shingle hashes (all `UInt32.max` for an empty set).
    public func signature(_ shingles: [UInt64]) -> [UInt32] {
        var minima = [SIMD8<UInt32>](repeating: SIMD8(repeating: .max), count: seeds.count)
        minima.withUnsafeMutableBufferPointer { m in
            seeds.withUnsafeBufferPointer { s in
                for x in shingles {
                    let key = SIMD8<UInt32>(repeating: UInt32(truncatingIfNeeded: x >> 32))
                    for k in 0..<s.count {
                        var v = key ^ s[k]
                        v ^= v &>> 16
                        v &*= 0x85EB_CA6B
                        v ^= v &>> 13
                        v &*= 0xC2B2_AE35
                        v ^= v &>> 16
                        m[k] = pointwiseMin(m[k], v)
                    }
                }
            }
        }
        var signature = [UInt32]()
        signature.reserveCapacity(permutations)
        for block in minima { for lane in 0..<8 { signature.append(block[lane]) } }
        return signature
    }
}

/// LSH banding: `bands` groups of `rows` signature values; documents that agree on a whole band collide.
public struct LSHBanding: Equatable, Sendable {
    public let bands: Int
    public let rows: Int

    public init(bands: Int, rows: Int) {
        self.bands = bands
        self.rows = rows
    }

    /// The threshold the banding implies: the similarity where collision probability climbs fastest.
    public var impliedThreshold: Double { pow(1 / Double(bands), 1 / Double(rows)) }

    /// The bands and rows that minimise the equally weighted false-positive and false-negative areas
    /// around `threshold` for `permutations` hash functions (the rule datasketch's MinHashLSH uses, so
    /// its threshold 0.8 with 128 permutations gives the same 9 bands of 13 rows).
    public static func optimal(threshold: Double, permutations: Int) -> LSHBanding {
        var best = LSHBanding(bands: 1, rows: permutations)
        var bestError = Double.infinity
        for b in 1...permutations {
            for r in 1...(permutations / b) {
                let fp = integrate(0, threshold) { s in 1 - pow(1 - pow(s, Double(r)), Double(b)) }
                let fn = integrate(threshold, 1) { s in 1 - (1 - pow(1 - pow(s, Double(r)), Double(b))) }
                let error = 0.5 * fp + 0.5 * fn
                if error < bestError {
                    bestError = error
                    best = LSHBanding(bands: b, rows: r)
                }
            }
        }
        return best
    }

    private static func integrate(_ lo: Double, _ hi: Double, _ f: (Double) -> Double) -> Double {
        let steps = 200
        let h = (hi - lo) / Double(steps)
        var sum = 0.5 * (f(lo) + f(hi))
        for i in 1..<steps { sum += f(lo + Double(i) * h) }
        return sum * h
    }

    /// The bucket key of band `band` of a signature.
    @inline(__always)
    public func key(_ signature: [UInt32], band: Int) -> UInt64 {
        var h: UInt64 = UInt64(band) &* 0x9E3779B97F4A7C15
        for i in (band * rows)..<((band + 1) * rows) { h = Shingles.mix(h ^ UInt64(signature[i])) }
        return h
    }
}

/// A small seeded generator (splitmix64), so signatures are reproducible across runs and machines.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        return Shingles.mix(state)
    }
}
