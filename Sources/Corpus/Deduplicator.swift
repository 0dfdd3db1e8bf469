import Foundation
import Store

/// Finds exact and near duplicates among examples and groups them into clusters.
///
/// - Exact: same hash of the normalised text (see ``TextNormalizer``).
/// - Near: MinHash over token 5-grams with LSH banding, confirmed by real Jaccard similarity at or above
///   `threshold`. Five tokens is about three words of prose or one short formula: long enough that
///   shared boilerplate ("find the remainder when") does not make two problems alike, short enough that
///   one changed number breaks only five shingles. 128 permutations estimate Jaccard within about ±0.04,
///   and the banding is chosen for the threshold (0.8 gives 9 bands of 13 rows).
/// - Problems under 8 words are compared exactly only: a few words share too few shingles for a
///   similarity to mean anything ("Compute $\binom{8}{4}$." vs "Compute $\binom{8}{3}$.").
public struct Deduplicator: Sendable {
    public static let shingleSize = 5
    public static let minimumWords = 8

    public var threshold: Double
    public var hasher: MinHasher
    public var banding: LSHBanding

    public init(threshold: Double = 0.8, permutations: Int = 128, seed: UInt64 = 1) {
        self.threshold = threshold
        hasher = MinHasher(permutations: permutations, seed: seed)
        banding = LSHBanding.optimal(threshold: threshold, permutations: permutations)
    }

    /// One document to compare: an id and its problem text.
    public struct Document: Sendable {
        public let id: Int64
        public let text: String
        public init(id: Int64, text: String) {
            self.id = id
            self.text = text
        }
    }

    /// The clusters among `documents`; the member with the smallest id (the earliest imported)
    /// represents each cluster.
    public func clusters(_ documents: [Document], progress: (Int) -> Void = { _ in }) -> [DuplicateCluster] {
        let inOrder = zip(documents, documents.dropFirst()).allSatisfy { $0.id < $1.id }
        let documents = inOrder ? documents : documents.sorted { $0.id < $1.id }
        let n = documents.count
        var sets = UnionFind(count: n)
        let hashed = fingerprints(documents, progress: progress)
        // Exact duplicates share their canonical token sequence.
        var firstByKey: [ExactKey: Int] = [:]
        for i in 0..<n {
            if let j = firstByKey[hashed[i].exact] { sets.union(i, j) } else { firstByKey[hashed[i].exact] = i }
        }
        // Near duplicates: one (band key, document) list per band, sorted so that colliding documents sit
        // next to each other; each colliding pair is confirmed by its real Jaccard similarity.
        var shingleSets = [[UInt64]?](repeating: nil, count: n)
        func shingles(_ i: Int) -> [UInt64] {
            if let set = shingleSets[i] { return set }
            var set = hashed[i].shingles
            Shingles.sortUnique(&set)
            shingleSets[i] = set
            return set
        }
        var checked = Set<UInt64>()
        for band in 0..<banding.bands {
            var keys: [(key: UInt64, doc: Int32)] = []
            keys.reserveCapacity(n)
            for i in 0..<n where !hashed[i].signature.isEmpty {
                keys.append((banding.key(hashed[i].signature, band: band), Int32(i)))
            }
            keys.sort { $0.key < $1.key }
            var start = 0
            while start < keys.count {
                var end = start + 1
                while end < keys.count && keys[end].key == keys[start].key { end += 1 }
                for x in start..<end {
                    for y in (x + 1)..<end {
                        let i = Int(min(keys[x].doc, keys[y].doc)), j = Int(max(keys[x].doc, keys[y].doc))
                        guard sets.find(i) != sets.find(j), checked.insert(UInt64(i) << 32 | UInt64(j)).inserted else { continue }
                        if Shingles.jaccard(shingles(i), shingles(j)) >= threshold { sets.union(i, j) }
                    }
                }
                start = end
            }
        }
        // Gather clusters of two or more. Documents come in id order, so each group's first index is
        // its earliest import: the representative.
        let roots = (0..<n).map { sets.find($0) }
        var sizes = [Int32](repeating: 0, count: n)
        for root in roots { sizes[root] += 1 }
        var groups: [Int: [Int]] = [:]
        for i in 0..<n where sizes[roots[i]] > 1 { groups[roots[i], default: []].append(i) }
        return groups.values.map { members in
            let rep = members[0]
            let exact = members.allSatisfy { hashed[$0].exact == hashed[rep].exact }
            return DuplicateCluster(
                kind: exact ? .exact : .near, threshold: exact ? 1 : threshold, representativeID: documents[rep].id,
                members: members.map { i in
                    let same = hashed[i].exact == hashed[rep].exact
                    return .init(exampleID: documents[i].id, similarity: same ? 1 : Shingles.jaccard(shingles(i), shingles(rep)))
                })
        }.sorted { $0.representativeID < $1.representativeID }
    }
}

extension Deduplicator {
    /// What clustering needs of one document.
    struct Fingerprint {
        var exact = ExactKey()
        /// Token n-gram hashes in text order (empty for documents too short to compare).
        var shingles: [UInt64] = []
        /// MinHash signature (empty for documents too short to compare).
        var signature: [UInt32] = []
    }

    /// Tokenises and hashes every document, the costly part, split across the machine's cores.
    func fingerprints(_ documents: [Document], progress: (Int) -> Void) -> [Fingerprint] {
        var result = [Fingerprint](repeating: Fingerprint(), count: documents.count)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, documents.count / 1000))
        result.withUnsafeMutableBufferPointer { out in
            let target = SendableBuffer(out)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let range = (documents.count * w / workers)..<(documents.count * (w + 1) / workers)
                for i in range {
                    let (tokens, words) = TextNormalizer.analyze(documents[i].text)
                    var f = Fingerprint(exact: ExactKey(tokens))
                    if words >= Deduplicator.minimumWords {
                        f.shingles = Shingles.rawNgrams(tokens, n: Deduplicator.shingleSize)
                        f.signature = hasher.signature(f.shingles)
                    }
                    target.buffer[i] = f
                }
            }
        }
        progress(documents.count)
        return result
    }
}

/// A buffer whose disjoint parts are written by concurrent workers.
private struct SendableBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}

/// 128 bits that identify a canonical token sequence (two independent folds of the token hashes).
struct ExactKey: Hashable {
    var high: UInt64 = 0
    var low: UInt64 = 0

    init() {}

    init(_ tokens: [UInt64]) {
        var h: UInt64 = 0x243F6A8885A308D3, l: UInt64 = 0x13198A2E03707344
        for t in tokens {
            h = Shingles.mix(h ^ t)
            l = Shingles.mix(l &+ t &* 0x9E3779B97F4A7C15)
        }
        high = h ^ UInt64(tokens.count)
        low = l
    }
}

/// Disjoint sets with path halving and union by size.
struct UnionFind {
    private var parent: [Int]
    private var size: [Int]

    init(count: Int) {
        parent = Array(0..<count)
        size = Array(repeating: 1, count: count)
    }

    mutating func find(_ x: Int) -> Int {
        var x = x
        while parent[x] != x {
            parent[x] = parent[parent[x]]
            x = parent[x]
        }
        return x
    }

    mutating func union(_ a: Int, _ b: Int) {
        var ra = find(a), rb = find(b)
        guard ra != rb else { return }
        if size[ra] < size[rb] { swap(&ra, &rb) }
        parent[rb] = ra
        size[ra] += size[rb]
    }
}
