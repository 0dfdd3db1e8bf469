import Corpus

/// The scores examples can be ranked by.
///
/// - `variance`: the population standard deviation of the accuracy history (the paper's `np.std`;
///   the variance ranks the same). High first: an example the policy sometimes solves and sometimes not.
/// - `limr`: LIMR's learning-impact score (Li et al. 2025), 1 − Σₖ(pₖ − rₖ)² / Σₖ(1 − rₖ)² over the epochs
///   every history has, rₖ being the pool's mean accuracy at epoch k: how closely the example follows the
///   pool's learning curve.
/// - `learnability`: the mean of p(1 − p) over the history, highest when the example sits near 50%.
/// - `random`: a seeded random order, the baseline.
public enum ScoreKind: String, CaseIterable, Sendable {
    case variance, limr, learnability, random
}

/// How ranking ties are broken.
public enum TieOrder: String, CaseIterable, Sendable {
    /// The order the histories had in their source (what reproduces the paper's π1209).
    case source
    /// The examples' source index, numerically when both are numbers.
    case index
}

/// What to rank by and which histories take part.
public struct RankingOptions: Sendable {
    public var score: ScoreKind = .variance
    public var ties: TieOrder = .source
    /// Seed of the `random` score.
    public var seed: UInt64 = 0
    /// Drop histories that are all 0 or all 1 (DAPO's rule).
    public var dropConstant = false
    /// Keep only histories whose mean accuracy lies in this band.
    public var band: ClosedRange<Double>?
    /// Drop histories with fewer epochs.
    public var minEpochs = 0

    public init(score: ScoreKind = .variance, ties: TieOrder = .source, seed: UInt64 = 0, dropConstant: Bool = false,
                band: ClosedRange<Double>? = nil, minEpochs: Int = 0) {
        self.score = score
        self.ties = ties
        self.seed = seed
        self.dropConstant = dropConstant
        self.band = band
        self.minEpochs = minEpochs
    }
}

/// One example's place in a ranking: rank 1 is π1.
public struct RankedExample: Equatable, Sendable {
    public let rank: Int
    public let history: AccuracyHistory
    public let score: Double

    /// The paper's name for the example at this rank.
    public var pi: String { "π\(rank)" }
}

/// Ranks accuracy histories by a score.
public struct Ranker: Sendable {
    public let options: RankingOptions

    public init(_ options: RankingOptions) {
        self.options = options
    }

    /// The ranking of `histories`, best first. `sourceIndex` gives each example's source index, used
    /// when ties are broken by index.
    public func rank(_ histories: [AccuracyHistory], sourceIndex: [Int64: String] = [:]) -> [RankedExample] {
        let pool = histories.sorted { $0.position < $1.position }
        let kept = pool.filter { h in
            h.points.count >= max(options.minEpochs, 1)
                && !(options.dropConstant && h.isConstant)
                && (options.band.map { $0.contains(h.meanAccuracy) } ?? true)
        }
        let tieKey: (AccuracyHistory, AccuracyHistory) -> Bool = { a, b in
            switch options.ties {
            case .source: return a.position < b.position
            case .index: return Ranker.indexOrder(sourceIndex[a.exampleID], sourceIndex[b.exampleID], a.position, b.position)
            }
        }
        let ordered: [(AccuracyHistory, Double)]
        switch options.score {
        case .variance:
            ordered = sortedByScore(kept.map { ($0, $0.standardDeviation) }, tieKey)
        case .limr:
            let reference = Ranker.poolCurve(pool)
            ordered = sortedByScore(kept.map { ($0, Ranker.limr($0, reference: reference)) }, tieKey)
        case .learnability:
            ordered = sortedByScore(kept.map { h in
                (h, h.points.isEmpty ? 0 : h.accuracies.reduce(0) { $0 + $1 * (1 - $1) } / Double(h.points.count))
            }, tieKey)
        case .random:
            var rng = SplitMix64(seed: options.seed)
            let draws = Dictionary(uniqueKeysWithValues: pool.map { ($0.exampleID, Double(rng.next() >> 11) / Double(1 << 53)) })
            ordered = sortedByScore(kept.map { ($0, draws[$0.exampleID] ?? 0) }, tieKey)
        }
        return ordered.enumerated().map { RankedExample(rank: $0.offset + 1, history: $0.element.0, score: $0.element.1) }
    }

    private func sortedByScore(_ scored: [(AccuracyHistory, Double)],
                               _ tieKey: (AccuracyHistory, AccuracyHistory) -> Bool) -> [(AccuracyHistory, Double)] {
        scored.sorted { x, y in x.1 != y.1 ? x.1 > y.1 : tieKey(x.0, y.0) }
    }

    /// The pool's mean accuracy at each epoch that every history reached.
    static func poolCurve(_ pool: [AccuracyHistory]) -> [Double] {
        guard let common = pool.map(\.points.count).min(), common > 0 else { return [] }
        return (0..<common).map { k in pool.reduce(0) { $0 + $1.points[k].accuracy } / Double(pool.count) }
    }

    /// LIMR's score of one history against the pool's curve.
    static func limr(_ h: AccuracyHistory, reference: [Double]) -> Double {
        let k = min(reference.count, h.points.count)
        guard k > 0 else { return 0 }
        var deviation = 0.0, scale = 0.0
        for i in 0..<k {
            let p = h.points[i].accuracy, r = reference[i]
            deviation += (p - r) * (p - r)
            scale += (1 - r) * (1 - r)
        }
        return scale == 0 ? 0 : 1 - deviation / scale
    }

    static func indexOrder(_ a: String?, _ b: String?, _ pa: Int, _ pb: Int) -> Bool {
        switch (a.flatMap { Int($0) }, b.flatMap { Int($0) }) {
        case (let x?, let y?) where x != y: return x < y
        default:
            if let a, let b, a != b { return a < b }
            return pa < pb
        }
    }
}

/// Unicode block sparkline of accuracies in [0, 1].
public func sparkline(_ values: [Double]) -> String {
    let bars = Array("▁▂▃▄▅▆▇█")
    return String(values.map { bars[min(bars.count - 1, max(0, Int(($0 * Double(bars.count - 1)).rounded())))] })
}
