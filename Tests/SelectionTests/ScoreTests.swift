import Testing
@testable import Selection
import Store

/// Histories from accuracies in eighths, in source order.
func histories(_ eighths: [[Int]]) -> [AccuracyHistory] {
    eighths.enumerated().map { i, values in
        AccuracyHistory(exampleID: Int64(i + 1), position: i,
                        points: values.enumerated().map { TrajectoryPoint(epoch: $0.offset, correct: $0.element, sampled: 8) })
    }
}

@Suite struct ScoreTests {
    let pool = histories([
        [0, 0, 0, 0],   // 1: never solved
        [0, 8, 0, 8],   // 2: std 0.5
        [4, 4, 4, 4],   // 3: std 0, mean 0.5
        [0, 2, 4, 8],   // 4: learning
        [8, 8, 8, 8],   // 5: always solved
        [8, 0, 8, 0],   // 6: std 0.5, ties with 2
    ])

    @Test func varianceIsThePopulationStd() {
        let ranked = Ranker(RankingOptions(score: .variance)).rank(pool)
        #expect(ranked.map(\.history.exampleID) == [2, 6, 4, 1, 3, 5])
        #expect(ranked[0].score == 0.5)
        // [0, .25, .5, 1]: mean 0.4375, population variance 0.13671875
        #expect(abs(ranked[2].score - 0.13671875.squareRoot()) < 1e-15)
        #expect(ranked.map(\.pi).prefix(2) == ["π1", "π2"])
    }

    @Test func tiesByIndexWhenAsked() {
        let index: [Int64: String] = [2: "50", 6: "7", 4: "1", 1: "3", 3: "2", 5: "10"]
        let ranked = Ranker(RankingOptions(score: .variance, ties: .index)).rank(pool, sourceIndex: index)
        #expect(ranked.map(\.history.exampleID) == [6, 2, 4, 3, 1, 5])   // 7 before 50; then 2, 3, 10 numerically
    }

    @Test func limrFollowsThePoolCurve() {
        // r = mean per epoch = [20/48, 22/48, 24/48, 28/48]; an example equal to r scores 1.
        let ranked = Ranker(RankingOptions(score: .limr)).rank(pool)
        let r = [20.0, 22, 24, 28].map { $0 / 48 }
        let scale = r.reduce(0) { $0 + (1 - $1) * (1 - $1) }
        let p4 = [0.0, 0.25, 0.5, 1]
        let expected4 = 1 - zip(p4, r).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / scale
        #expect(abs(ranked.first { $0.history.exampleID == 4 }!.score - expected4) < 1e-12)
        #expect(ranked[0].history.exampleID == 3)   // flat at 0.5 is closest to the curve here
    }

    @Test func learnabilityIsMeanPTimesOneMinusP() {
        let ranked = Ranker(RankingOptions(score: .learnability)).rank(pool)
        #expect(ranked[0].history.exampleID == 3 && ranked[0].score == 0.25)
        #expect(ranked.suffix(4).allSatisfy { [1, 2, 5, 6].contains($0.history.exampleID) && $0.score == 0 })
    }

    @Test func randomIsSeeded() {
        let a = Ranker(RankingOptions(score: .random, seed: 1)).rank(pool).map(\.history.exampleID)
        let b = Ranker(RankingOptions(score: .random, seed: 1)).rank(pool).map(\.history.exampleID)
        let c = Ranker(RankingOptions(score: .random, seed: 2)).rank(pool).map(\.history.exampleID)
        #expect(a == b && a != c && Set(a) == Set(1...6))
    }

    @Test func filters() {
        #expect(Ranker(RankingOptions(dropConstant: true)).rank(pool).map(\.history.exampleID) == [2, 6, 4, 3])
        #expect(Ranker(RankingOptions(band: 0.4...0.6)).rank(pool).map(\.history.exampleID) == [2, 6, 4, 3])
        let uneven = histories([[0, 8], [0, 8, 0, 8]])
        #expect(Ranker(RankingOptions(minEpochs: 3)).rank(uneven).map(\.history.exampleID) == [2])
    }

    @Test func numpySummationOrder() {
        // 0.1 summed ten times: NumPy's eight-way pairwise order gives 1.0 exactly, a running sum does not.
        let values = Array(repeating: 0.1, count: 10)
        #expect(NumPySum.pairwise(values) == ((0.1 + 0.1) + (0.1 + 0.1) + ((0.1 + 0.1) + (0.1 + 0.1))) + 0.1 + 0.1)
        #expect(NumPySum.pairwise(Array(repeating: 1.0, count: 1000)) == 1000)
    }

    @Test func sparklineSpansTheBlocks() {
        #expect(sparkline([0, 0.5, 1]) == "▁▅█")
    }
}
