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
        public let normHash: String
        public init(id: Int64, text: String, normHash: String) {
            self.id = id
            self.text = text
            self.normHash = normHash
        }
    }

    /// The clusters among `documents` (ids in ascending import order; the first member represents).
    public func clusters(_ documents: [Document], progress: (Int) -> Void = { _ in }) -> [DuplicateCluster] {
        let n = documents.count
        var sets = UnionFind(count: n)
        // Exact duplicates.
        var firstByHash: [String: Int] = [:]
        for (i, doc) in documents.enumerated() {
            if let j = firstByHash[doc.normHash] { sets.union(i, j) } else { firstByHash[doc.normHash] = i }
        }
        // Near duplicates among documents long enough to compare.
        var shingles = [[UInt64]](repeating: [], count: n)
        var buckets = [[UInt64: [Int32]]](repeating: [:], count: banding.bands)
        for (i, doc) in documents.enumerated() {
            if i % 1000 == 0 { progress(i) }
            let tokens = TextNormalizer.tokens(doc.text)
            guard TextNormalizer.wordCount(tokens) >= Deduplicator.minimumWords else { continue }
            shingles[i] = Shingles.ngrams(tokens.map(Shingles.tokenHash), n: Deduplicator.shingleSize)
            let signature = hasher.signature(shingles[i])
            for band in 0..<banding.bands { buckets[band][banding.key(signature, band: band), default: []].append(Int32(i)) }
        }
        var checked = Set<UInt64>()
        for band in buckets {
            for (_, members) in band where members.count > 1 {
                for x in 0..<members.count {
                    for y in (x + 1)..<members.count {
                        let i = Int(members[x]), j = Int(members[y])
                        guard checked.insert(UInt64(i) << 32 | UInt64(j)).inserted, sets.find(i) != sets.find(j) else { continue }
                        if Shingles.jaccard(shingles[i], shingles[j]) >= threshold { sets.union(i, j) }
                    }
                }
            }
        }
        // Gather clusters of two or more.
        var groups: [Int: [Int]] = [:]
        for i in 0..<n { groups[sets.find(i), default: []].append(i) }
        return groups.values.filter { $0.count > 1 }.map { members in
            let sorted = members.sorted { documents[$0].id < documents[$1].id }
            let rep = sorted[0]
            let exact = sorted.allSatisfy { documents[$0].normHash == documents[rep].normHash }
            return DuplicateCluster(
                kind: exact ? .exact : .near, threshold: exact ? 1 : threshold, representativeID: documents[rep].id,
                members: sorted.map { i in
                    let same = documents[i].normHash == documents[rep].normHash
                    return .init(exampleID: documents[i].id, similarity: same ? 1 : Shingles.jaccard(shingles[i], shingles[rep]))
                })
        }.sorted { $0.representativeID < $1.representativeID }
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
