import ArgumentParser
import Corpus
import Foundation
import Selection
import Store
import JSON

/// `oneshot rank`: rank a probe run's examples; π_i is the i-th.
struct Rank: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rank a run's examples by historical variance (or LIMR, learnability, random).",
        discussion: """
            variance: population standard deviation of each example's accuracy history, highest first \
            (the paper's ranking; π_i is rank i). Filters apply before ranking and renumber the ranks. \
            --compare a,b,c shows how the top sets of several scores overlap.
            """)

    @OptionGroup var options: StoreOptions
    @OptionGroup var ranking: RankingOptionGroup

    @Option(name: .customLong("run"), help: "The probe run to rank.")
    var runName: String

    @Option(help: "How many to show (all with --json when not given).")
    var top: Int?

    @Option(help: "Compare the top sets of these scores, e.g. variance,limr,learnability.")
    var compare: String?

    mutating func run() throws {
        let store = try options.open()
        let record = try store.requireRun(named: runName)
        let histories = try store.histories(runID: record.id)
        var sourceIndex: [Int64: String] = [:]
        var problems: [Int64: ExampleRecord] = [:]
        if let datasetID = record.datasetID {
            try store.forEachExample(datasetIDs: [datasetID]) { e in
                sourceIndex[e.id] = e.sourceIndex
                problems[e.id] = e
            }
        }
        if let compare { return try printComparison(compare, histories: histories, sourceIndex: sourceIndex) }
        let ranked = Ranker(try ranking.rankingOptions()).rank(histories, sourceIndex: sourceIndex)
        let shown = top.map { Array(ranked.prefix($0)) } ?? (options.json ? ranked : Array(ranked.prefix(20)))
        if options.json {
            printJSON(.array(shown.map { r in
                let e = problems[r.history.exampleID]
                return .object(JSONObject([
                    "rank": .int(Int64(r.rank)), "pi": .string(r.pi), "example_id": .int(r.history.exampleID),
                    "source_index": e?.sourceIndex.map(JSONValue.string) ?? .null, "score": .double(r.score),
                    "mean_accuracy": .double(r.history.meanAccuracy), "epochs": .int(Int64(r.history.points.count)),
                    "history": .array(r.history.accuracies.map(JSONValue.double)),
                    "problem": e.map { .string($0.problem) } ?? .null, "answer": e?.answer.map(JSONValue.string) ?? .null,
                ]))
            }))
            return
        }
        print("run '\(runName)': \(histories.count) histories, \(ranked.count) ranked by \(ranking.by.rawValue)")
        print(table(header: ["rank", "π", "index", ranking.by.rawValue, "mean", "history", "answer", "problem"], rows: shown.map { r in
            let e = problems[r.history.exampleID]
            return ["\(r.rank)", r.pi, e?.sourceIndex ?? "-", String(format: "%.4f", r.score), String(format: "%.3f", r.history.meanAccuracy),
                    sparkline(r.history.accuracies), shorten(e?.answer ?? "-", 14), shorten(e?.problem ?? "", 50)]
        }, leftAligned: [5, 6, 7]))
        if shown.count < ranked.count { print("(\(ranked.count - shown.count) more; --top N or --json for all)") }
    }

    private func printComparison(_ list: String, histories: [AccuracyHistory], sourceIndex: [Int64: String]) throws {
        let kinds = try list.split(separator: ",").map { name -> ScoreKind in
            guard let kind = ScoreKind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--compare takes scores among \(ScoreKind.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name)'")
            }
            return kind
        }
        let n = top ?? 16
        var base = try ranking.rankingOptions()
        let tops: [(ScoreKind, [Int64])] = kinds.map { kind in
            base.score = kind
            return (kind, Ranker(base).rank(histories, sourceIndex: sourceIndex).prefix(n).map(\.history.exampleID))
        }
        if options.json {
            var pairs: [JSONValue] = []
            for i in tops.indices {
                for j in tops.indices where j > i {
                    let shared = Set(tops[i].1).intersection(tops[j].1).count
                    pairs.append(.object(JSONObject(["a": .string(tops[i].0.rawValue), "b": .string(tops[j].0.rawValue),
                                                     "overlap": .int(Int64(shared))])))
                }
            }
            var sets = JSONObject()
            for (kind, ids) in tops {
                sets[kind.rawValue] = .array(ids.map { .string(sourceIndex[$0] ?? String($0)) })
            }
            printJSON(.object(JSONObject(["top": .int(Int64(n)), "overlaps": .array(pairs), "sets": .object(sets)])))
            return
        }
        print("overlap of the top \(n) (shared examples):")
        print(table(header: [""] + tops.map(\.0.rawValue), rows: tops.map { a in
            [a.0.rawValue] + tops.map { b in "\(Set(a.1).intersection(b.1).count)" }
        }))
        for (kind, ids) in tops { print("\(kind.rawValue): \(ids.map { sourceIndex[$0] ?? String($0) }.joined(separator: " "))") }
    }
}
