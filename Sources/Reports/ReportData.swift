import Foundation
import Grading
import Selection
import Store

/// Everything a report shows, read from the store in one place.
public struct ReportData {
    public struct Cluster {
        public let cluster: DuplicateCluster
        public let members: [ExampleRecord]
    }

    public struct Contamination {
        public let benchmark: String
        public let pairs: [(train: ExampleRecord, item: ExampleRecord, coverage: Double)]
    }

    public struct Selection {
        public let run: RunRecord
        public let datasetName: String
        public let historyCount: Int
        public let top: [(ranked: RankedExample, example: ExampleRecord?)]
        public let standardDeviations: [Double]
        /// Pairwise overlap of the top sets of the three scores.
        public let overlaps: [(a: ScoreKind, b: ScoreKind, shared: Int)]
        public let overlapSize: Int
    }

    public let storePath: String
    public let generatedAt: String
    public let datasets: [DatasetStats]
    public let rejects: [(dataset: String, path: String, row: RejectedRow)]
    public let clusterCount: Int
    public let largestClusters: [Cluster]
    public let contamination: [Contamination]
    public let selections: [Selection]
    /// The training runs compared, when there are any with evaluations.
    public let runs: RunComparison?
    /// Evaluation runs (`oneshot eval --run`, `oneshot eval import`) with their evaluations.
    public let evaluationRuns: [(run: RunRecord, evaluations: [EvaluationRecord])]

    /// Every run a number of the report comes from: the probes, the compared training runs, the evaluations.
    public var provenanceRuns: [RunRecord] { selections.map(\.run) + (runs?.arms.flatMap(\.runs) ?? []) + evaluationRuns.map(\.run) }

    /// What each measure means, printed beside the numbers.
    public static let definitions: [(term: String, meaning: String)] = [
        ("accuracy (avg@k)", "correct responses over all responses, k per problem; greedy decoding gives k = 1"),
        ("pass@k", "share of problems with at least one correct response among their k"),
        ("maj@k", "share of problems whose most frequent extracted answer (ties: the first seen) is correct"),
        ("boxed", "share of responses with a \\boxed{} answer; the training reward requires one"),
        ("self-reflection", SelfReflection.definition),
        ("saturation", "first step at which the training reward, averaged over 5 steps, reaches 0.95"),
        ("length", "mean response length: tokens for the built-in engine, characters for imported generations"),
    ]

    /// The evaluation runs side by side: accuracy (avg@k) per benchmark and their mean, one row per run at its last step.
    public var evaluationTable: (header: [String], rows: [[String]]) {
        let benchmarks = Array(Set(evaluationRuns.flatMap { $0.evaluations.map(\.benchmark) })).sorted()
        let rows = evaluationRuns.map { run, evaluations -> [String] in
            let last = ReportData.lastStep(of: evaluations)
            let cells = benchmarks.map { b in last.first { $0.benchmark == b }.map { ReportData.percent($0.accuracy) } ?? "-" }
            return [run.name, "\(last.first?.step ?? 0)", "\(last.first?.samples ?? 0)"] + cells + [ReportData.percent(ReportData.mean(last.map(\.accuracy)))]
        }
        return (["run", "step", "k"] + benchmarks + ["average"], rows)
    }

    /// The evaluation runs' other measures, averaged over their benchmarks at the last step.
    public var evaluationMeasures: (header: [String], rows: [[String]]) {
        let rows = evaluationRuns.map { run, evaluations -> [String] in
            let last = ReportData.lastStep(of: evaluations)
            let k = last.first?.samples ?? 0
            return [run.name, "\(k)", ReportData.percent(ReportData.mean(last.map(\.accuracy))), ReportData.percent(ReportData.mean(last.map(\.passRate))),
                    ReportData.percent(ReportData.mean(last.compactMap(\.majorityRate))),
                    ReportData.percent(ReportData.mean(last.map(\.boxedRate))),
                    ReportData.percent(ReportData.mean(last.compactMap(\.reflectionRate))), String(format: "%.0f", ReportData.mean(last.map(\.meanLength)))]
        }
        return (["run", "k", "accuracy", "pass@k", "maj@k", "boxed", "self-reflection", "length"], rows)
    }

    /// The evaluations of a run's last evaluated step.
    static func lastStep(of evaluations: [EvaluationRecord]) -> [EvaluationRecord] {
        let step = evaluations.map(\.step).max()
        return evaluations.filter { $0.step == step }
    }

    static func percent(_ v: Double) -> String { String(format: "%.1f%%", 100 * v) }
    static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

    /// Reads the report's data from `store`: the `top` π of each probe run, the largest clusters, the
    /// strongest contamination matches per benchmark.
    public init(store: Store, top: Int = 16, now: Date = Date()) throws {
        storePath = store.db.path
        runs = try RunComparison(store: store)
        evaluationRuns = try store.runs().filter { $0.purpose == .eval }.compactMap { run in
            let evaluations = try store.evaluations(runID: run.id)
            return evaluations.isEmpty ? nil : (run, evaluations)
        }
        generatedAt = Store.timestamp(now)
        datasets = try store.stats()
        rejects = Array(try store.rejectedRows(datasetID: nil).prefix(20))
        let clusters = try store.clusters()
        clusterCount = clusters.count
        largestClusters = try clusters.prefix(5).map { c in
            Cluster(cluster: c, members: try c.members.compactMap { try store.example(id: $0.exampleID) })
        }
        contamination = try store.contaminationByBenchmark(perBenchmark: 5).map { benchmark, matches in
            Contamination(benchmark: benchmark, pairs: try matches.compactMap { m in
                guard let t = try store.example(id: m.exampleID), let b = try store.example(id: m.benchmarkExampleID) else { return nil }
                return (t, b, m.coverage)
            })
        }
        selections = try store.runs().filter { $0.purpose == .probe }.map { run in
            let histories = try store.histories(runID: run.id)
            var sourceIndex: [Int64: String] = [:]
            var datasetName = "-"
            if let id = run.datasetID {
                try store.forEachExample(datasetIDs: [id]) { sourceIndex[$0.id] = $0.sourceIndex }
                datasetName = try store.dataset(id: id)?.name ?? "-"
            }
            let ranked = Ranker(RankingOptions(score: .variance)).rank(histories, sourceIndex: sourceIndex)
            let kinds: [ScoreKind] = [.variance, .limr, .learnability]
            let tops = kinds.map { kind in Set(Ranker(RankingOptions(score: kind)).rank(histories, sourceIndex: sourceIndex).prefix(top).map(\.history.exampleID)) }
            var overlaps: [(ScoreKind, ScoreKind, Int)] = []
            for i in kinds.indices { for j in kinds.indices where j > i { overlaps.append((kinds[i], kinds[j], tops[i].intersection(tops[j]).count)) } }
            return Selection(run: run, datasetName: datasetName, historyCount: histories.count,
                             top: try ranked.prefix(top).map { ($0, try store.example(id: $0.history.exampleID)) },
                             standardDeviations: ranked.map(\.score), overlaps: overlaps, overlapSize: top)
        }
    }
}
