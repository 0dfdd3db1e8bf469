/// Hashes of token n-grams ("shingles"), the unit near-duplicate detection and decontamination compare.
public enum Shingles {
    /// 64-bit FNV-1a of a token, letters lowercased (case does not make a different problem).
    @inline(__always)
    public static func tokenHash(_ token: Substring) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in token.utf8 {
            let lower = (b >= 65 && b <= 90) ? b | 0x20 : b
            h = (h ^ UInt64(lower)) &* 0x100000001b3
        }
        return h
    }

    /// The token hashes of a text.
    public static func tokenHashes(_ text: String) -> [UInt64] {
        TextNormalizer.tokens(text).map(tokenHash)
    }

    /// The sorted, distinct hashes of every run of `n` consecutive tokens. A text shorter than `n`
    /// tokens gives one shingle: the whole text.
    public static func ngrams(_ tokens: [UInt64], n: Int) -> [UInt64] {
        guard !tokens.isEmpty else { return [] }
        let width = min(n, tokens.count)
        var result: [UInt64] = []
        result.reserveCapacity(tokens.count - width + 1)
        for start in 0...(tokens.count - width) {
            var h: UInt64 = 0x9E3779B97F4A7C15 &* UInt64(width)
            for k in start..<(start + width) { h = mix(h ^ tokens[k]) }
            result.append(h)
        }
        result.sort()
        var unique = 0
        for i in result.indices where i == 0 || result[i] != result[i - 1] {
            result[unique] = result[i]
            unique += 1
        }
        result.removeLast(result.count - unique)
        return result
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
