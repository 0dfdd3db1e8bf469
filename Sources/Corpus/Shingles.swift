/// Hashes of token n-grams ("shingles"), the unit near-duplicate detection and decontamination compare.
public enum Shingles {
    /// 64-bit FNV-1a of a token, letters lowercased (case does not make a different problem).
    @inline(__always)
    public static func tokenHash(_ token: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in token {
            let lower = (b >= 65 && b <= 90) ? b | 0x20 : b
            h = (h ^ UInt64(lower)) &* 0x100000001b3
        }
        return h
    }

    /// The token hashes of a text.
    public static func tokenHashes(_ text: String) -> [UInt64] {
        TextNormalizer.analyze(text).tokenHashes
    }

    /// The sorted, distinct hashes of every run of `n` consecutive tokens. A text shorter than `n`
    /// tokens gives one shingle: the whole text.
    public static func ngrams(_ tokens: [UInt64], n: Int) -> [UInt64] {
        var result = rawNgrams(tokens, n: n)
        sortUnique(&result)
        return result
    }

    /// The hash of every run of `n` consecutive tokens, in text order, repeats kept (MinHash does not
    /// care; ``sortUnique(_:)`` makes a set of them when one is needed).
    public static func rawNgrams(_ tokens: [UInt64], n: Int) -> [UInt64] {
        guard !tokens.isEmpty else { return [] }
        let width = min(n, tokens.count)
        let count = tokens.count - width + 1
        return [UInt64](unsafeUninitializedCapacity: count) { out, initialized in
            tokens.withUnsafeBufferPointer { t in
                for start in 0..<count {
                    // A polynomial over the window's token hashes (order matters), then one mix.
                    var h: UInt64 = 0x9E3779B97F4A7C15 &* UInt64(width)
                    for k in start..<(start + width) { h = (h ^ t[k]) &* 0x100000001B3 &+ 0x2545F4914F6CDD1D }
                    out[start] = mix(h)
                }
            }
            initialized = count
        }
    }

    /// Sorts `values` and removes repeats, in place.
    public static func sortUnique(_ values: inout [UInt64]) {
        values.sort()
        var unique = 0
        for i in values.indices where i == 0 || values[i] != values[i - 1] {
            values[unique] = values[i]
            unique += 1
        }
        values.removeLast(values.count - unique)
    }

    /// The number of values two sorted, distinct arrays share.
    public static func intersectionCount(_ a: [UInt64], _ b: [UInt64]) -> Int {
        var i = 0, j = 0, count = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] { count += 1; i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return count
    }

    /// Jaccard similarity of two sorted, distinct arrays.
    public static func jaccard(_ a: [UInt64], _ b: [UInt64]) -> Double {
        let shared = intersectionCount(a, b)
        let union = a.count + b.count - shared
        return union == 0 ? 1 : Double(shared) / Double(union)
    }

    /// A 64-bit finaliser (splitmix64's), so n-gram hashes depend on token order.
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E3779B97F4A7C15
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
