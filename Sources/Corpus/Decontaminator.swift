/// Flags training examples that reproduce a benchmark item, by n-gram coverage.
///
/// A training example is flagged against a benchmark item when it contains at least `minCoverage` of the
/// item's distinct token n-grams. A coverage rule, not "any shared n-gram": sharing one 8-gram such as
/// "find the remainder when n is divided by" says nothing, and the any-n-gram rule flags 227 of the 975
/// AIME 1983-2023 problems against AIME 2024, which none can copy. Items shorter than `n` tokens count as
/// one n-gram: the whole item, which the training text must contain token for token.
public struct Decontaminator: Sendable {
    public var n: Int
    public var minCoverage: Double

    public init(n: Int = 8, minCoverage: Double = 0.5) {
        self.n = n
        self.minCoverage = minCoverage
    }

    public struct Item: Sendable {
        public let id: Int64
        public let text: String
        public init(id: Int64, text: String) {
            self.id = id
            self.text = text
        }
    }

    public struct Match: Equatable, Sendable {
        public let exampleID: Int64
        public let benchmarkID: Int64
        public let shared: Int
        public let coverage: Double
    }

    /// The matches between `examples` and `benchmark` items, ordered by example then coverage.
    public func matches(examples: [Item], benchmark: [Item], progress: (Int) -> Void = { _ in }) -> [Match] {
        // Index each benchmark item's n-grams (or, for a short item, its whole token run).
        var index: [UInt64: [Int32]] = [:]
        var gramCount: [Int] = []
        var shortLengths = Set<Int>()
        for (j, item) in benchmark.enumerated() {
            let tokens = Shingles.tokenHashes(item.text)
            if tokens.count < n, !tokens.isEmpty { shortLengths.insert(tokens.count) }
            let grams = Shingles.ngrams(tokens, n: n)
            gramCount.append(grams.count)
            for g in grams { index[g, default: []].append(Int32(j)) }
        }
        var result: [Match] = []
        for (i, example) in examples.enumerated() {
            if i % 1000 == 0 { progress(i) }
            let tokens = Shingles.tokenHashes(example.text)
            var grams = Shingles.ngrams(tokens, n: n)
            for length in shortLengths where length <= tokens.count {
                grams += Shingles.ngrams(tokens, n: length)
            }
            var shared: [Int32: Int] = [:]
            for g in grams {
                guard let items = index[g] else { continue }
                for j in items { shared[j, default: 0] += 1 }
            }
            for (j, count) in shared {
                let coverage = Double(min(count, gramCount[Int(j)])) / Double(gramCount[Int(j)])
                if coverage >= minCoverage {
                    result.append(Match(exampleID: example.id, benchmarkID: benchmark[Int(j)].id, shared: count, coverage: coverage))
                }
            }
        }
        return result.sorted { ($0.exampleID, -$0.coverage, $0.benchmarkID) < ($1.exampleID, -$1.coverage, $1.benchmarkID) }
    }
}
