import ArgumentParser
import Corpus
import Foundation
import Selection
import Store

/// Which examples a 1-shot or few-shot set holds: π ranks of a probe run's ranking, example ids, or K at
/// random; `select` and `train` share it.
struct ExamplePicker {
    /// The probe run whose ranking names π_i.
    var rankingRun: String?
    var pi: String?
    var examples: String?
    var random: Int?
    var dataset: String?
    var ranking: RankingOptionGroup

    func choose(_ store: Store) throws -> [ExampleRecord] {
        if let examples {
            return try examples.split(separator: ",").map { text in
                guard let id = Int64(text.trimmingCharacters(in: .whitespaces)), let e = try store.example(id: id) else {
                    throw ValidationError("no example with id '\(text)'")
                }
                return e
            }
        }
        var pool: [Int64]
        var ranked: [RankedExample] = []
        if let runName = rankingRun {
            let record = try store.requireRun(named: runName)
            var sourceIndex: [Int64: String] = [:]
            if let datasetID = record.datasetID {
                try store.forEachExample(datasetIDs: [datasetID]) { sourceIndex[$0.id] = $0.sourceIndex }
            }
            ranked = Ranker(try ranking.rankingOptions()).rank(try store.histories(runID: record.id), sourceIndex: sourceIndex)
            pool = try store.histories(runID: record.id).map(\.exampleID)
        } else {
            guard let dataset else { throw ValidationError("--random needs a ranked run or --dataset") }
            let record = try store.datasets(named: [dataset])[0]
            pool = try store.examples(datasetIDs: [record.id]).map(\.id)
        }
        let ids: [Int64]
        if let pi {
            ids = try pi.split(separator: ",").map { text in
                guard let i = Int(text.trimmingCharacters(in: .whitespaces)), i >= 1, i <= ranked.count else {
                    throw ValidationError("--pi takes ranks from 1 to \(ranked.count), got '\(text)'")
                }
                return ranked[i - 1].history.exampleID
            }
        } else {
            guard let k = random else { throw ValidationError("choose examples with --pi, --examples or --random") }
            guard k >= 1, k <= pool.count else { throw ValidationError("--random takes 1 to \(pool.count) examples") }
            var rng = SplitMix64(seed: ranking.seed)
            pool.shuffle(using: &rng)
            ids = Array(pool.prefix(k))
        }
        return try ids.map { id in
            guard let e = try store.example(id: id) else { throw ValidationError("example \(id) is gone from the store") }
            return e
        }
    }
}
