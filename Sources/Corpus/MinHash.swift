import Foundation

/// MinHash signatures and LSH banding for near-duplicate candidates.
///
/// Each of `permutations` hash functions is `(a * x + b) mod (2^61 - 1)` with seeded random `a`, `b`, the
/// family datasketch uses, so signatures estimate Jaccard similarity the same way. Candidates that share
/// a band are confirmed by their real Jaccard similarity; the signature only proposes.
public struct MinHasher: Sendable {
    static let prime: UInt64 = (1 << 61) - 1
    public let permutations: Int
    private let a: [UInt64]
    private let b: [UInt64]

    public init(permutations: Int = 128, seed: UInt64 = 1) {
        self.permutations = permutations
        var rng = SplitMix64(seed: seed)
        a = (0..<permutations).map { _ in 1 + rng.next() % (MinHasher.prime - 1) }
        b = (0..<permutations).map { _ in rng.next() % MinHasher.prime }
    }

    /// The signature of a set of shingle hashes (all `UInt64.max` for an empty set).
    public func signature(_ shingles: [UInt64]) -> [UInt64] {
        var sig = [UInt64](repeating: .max, count: permutations)
        sig.withUnsafeMutableBufferPointer { s in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    for shingle in shingles {
                        let x = shingle % MinHasher.prime
                        for i in 0..<permutations {
                            let v = MinHasher.mulmod(a[i], x, b[i])
                            if v < s[i] { s[i] = v }
                        }
                    }
                }
            }
        }
        return sig
    }

    /// (a * x + b) mod 2^61-1 without overflow.
    @inline(__always)
    static func mulmod(_ a: UInt64, _ x: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: x)
        // 2^64 = 8 (mod p): fold the 128-bit product.
        var r = (low & prime) + (low >> 61) + (high << 3)
        r = (r & prime) + (r >> 61)
        r = r &+ b
        r = (r & prime) + (r >> 61)
        return r >= prime ? r - prime : r
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
    public func key(_ signature: [UInt64], band: Int) -> UInt64 {
        var h: UInt64 = UInt64(band) &* 0x9E3779B97F4A7C15
        for i in (band * rows)..<((band + 1) * rows) { h = Shingles.mix(h ^ signature[i]) }
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
