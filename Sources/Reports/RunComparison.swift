import Foundation
import JSON
import Store

/// The training runs side by side, as the paper compares them: one arm per run name, its seeds being the
/// runs named NAME-sN; each arm's accuracy per benchmark at its last evaluation, and its curves.
public struct RunComparison {
    public struct Arm {
        public let name: String
        public let runs: [RunRecord]
        /// Benchmark -> accuracy of each seed at its run's last evaluation.
        public let final: [String: [Double]]
        /// Mean over seeds of the training reward per step.
        public let reward: [(step: Int, value: Double)]
        /// Mean over seeds of each benchmark's accuracy per evaluation step.
        public let testByBenchmark: [String: [(step: Int, value: Double)]]
        /// Mean over seeds of each training-step metric of ``RunComparison/stepMetrics`` per step.
        public let metrics: [String: [(step: Int, value: Double)]]
        /// The first step at which the 5-step mean training reward reaches 0.95, if it does.
        public let saturation: Int?

        /// Mean and sample standard deviation over seeds of a benchmark's final accuracy.
        public func summary(_ benchmark: String) -> (mean: Double, spread: Double)? {
            final[benchmark].flatMap(RunComparison.meanAndSpread)
        }

        /// The mean over `benchmarks` of each seed, summarised the same way.
        public func average(over benchmarks: [String]) -> (mean: Double, spread: Double)? {
            let seeds = benchmarks.compactMap { final[$0] }
            guard seeds.count == benchmarks.count, let n = seeds.first?.count, seeds.allSatisfy({ $0.count == n }) else { return nil }
            return RunComparison.meanAndSpread((0..<n).map { i in seeds.map { $0[i] }.reduce(0, +) / Double(seeds.count) })
        }
    }

    /// The comparison table: a row for the base (step 0) and one per arm; a column per benchmark and their
    /// average; each cell mean and spread over seeds (nil when the arm lacks the benchmark).
    public var rows: [(label: String, cells: [(mean: Double, spread: Double)?])] {
        let baseCells = benchmarks.map { b in base[b].map { (mean: $0, spread: 0.0) } }
        let baseAverage = baseCells.allSatisfy { $0 != nil } ? RunComparison.meanAndSpread(baseCells.map { $0!.mean }).map { ($0.mean, 0.0) } : nil
        return [("base (step 0)", baseCells + [baseAverage])]
            + arms.map { arm in ("\(arm.name) (n=\(arm.runs.count))", benchmarks.map { arm.summary($0) } + [arm.average(over: benchmarks)]) }
    }

    /// ``rows`` as the reports print them: "mean ± std" in %, "-" where missing, the best of each column flagged.
    public var formattedRows: [(label: String, cells: [(text: String, best: Bool)])] {
        let best = bestRowPerColumn
        return rows.enumerated().map { r, row in
            (row.label, row.cells.enumerated().map { c, cell in
                guard let cell else { return ("-", false) }
                return (String(format: "%.1f ± %.1f", 100 * cell.mean, 100 * cell.spread), best[c] == r)
            })
        }
    }

    /// Per column of ``rows``, the row with the highest mean (the best arm, marked in the reports).
    public var bestRowPerColumn: [Int?] {
        let table = rows
        return (0...benchmarks.count).map { c in table.indices.filter { table[$0].cells[c] != nil }.max { table[$0].cells[c]!.mean < table[$1].cells[c]!.mean } }
    }

    /// An arm's training reward (accuracy on its chosen examples) and test accuracy per benchmark over steps,
    /// the saturation step drawn as a vertical line: post-saturation generalisation is test accuracy still
    /// rising to its right.
    public func chart(_ arm: Arm) -> String {
        var series: [(name: String, points: [(Double, Double)])] = [("training reward", arm.reward.map { (Double($0.step), $0.value) })]
        for benchmark in benchmarks { if let curve = arm.testByBenchmark[benchmark] { series.append((benchmark, curve.map { (Double($0.step), $0.value) })) } }
        return SVGChart.lines(series, title: arm.name, xLabel: "step", yLabel: "accuracy",
                              marker: arm.saturation.map { (Double($0), "saturated (step \($0))") })
    }

    /// The training-step metrics the reports draw, with their labels: one chart each, one line per arm.
    public static let stepMetrics: [(key: String, label: String)] = [
        ("entropy", "entropy (nats per token)"), ("kl", "KL to the reference (low-var estimator)"),
        ("response_length", "response length (tokens)"), ("reflection_rate", "self-reflection rate"),
    ]

    /// Whether any arm recorded `metric`.
    public func hasMetric(_ metric: String) -> Bool { arms.contains { !($0.metrics[metric] ?? []).isEmpty } }

    /// One training-step metric over steps, a line per arm.
    public func metricChart(_ metric: String, label: String) -> String {
        SVGChart.lines(arms.compactMap { arm in arm.metrics[metric].map { (arm.name, $0.map { (Double($0.step), $0.value) }) } },
                       title: label, xLabel: "step", yLabel: label)
    }

    static func meanAndSpread(_ values: [Double]) -> (mean: Double, spread: Double)? {
        guard !values.isEmpty else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        let spread = values.count > 1 ? (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot() : 0
        return (mean, spread)
    }

    public let benchmarks: [String]
    /// Accuracy per benchmark at step 0 of the first run that has one (the base policy).
    public let base: [String: Double]
    public let arms: [Arm]

    /// Reads the train runs that have evaluations; nil when there are none.
    public init?(store: Store) throws {
        var groups: [(String, [RunRecord])] = []
        for run in try store.runs() where run.purpose == .train {
            let name = run.name.replacingOccurrences(of: #"-s\d+$"#, with: "", options: .regularExpression)
            if let i = groups.firstIndex(where: { $0.0 == name }) { groups[i].1.append(run) } else { groups.append((name, [run])) }
        }
        var benchmarks = Set<String>(), base: [String: Double] = [:], arms: [Arm] = []
        for (name, runs) in groups {
            var final: [String: [Double]] = [:]
            var rewards: [Int: [Double]] = [:], byBenchmark: [String: [Int: [Double]]] = [:]
            var metricsByStep: [String: [Int: [Double]]] = [:]
            for run in runs {
                let evaluations = try store.evaluations(runID: run.id)
                guard let last = evaluations.map(\.step).max() else { continue }
                for e in evaluations {
                    benchmarks.insert(e.benchmark)
                    byBenchmark[e.benchmark, default: [:]][e.step, default: []].append(e.accuracy)
                    if e.step == 0 && base[e.benchmark] == nil { base[e.benchmark] = e.accuracy }
                    if e.step == last { final[e.benchmark, default: []].append(e.accuracy) }
                }
                for (step, metrics) in try store.stepMetrics(runID: run.id) {
                    let values = try? JSONParser.parse(metrics)
                    if let reward = values?["reward"]?.numberValue { rewards[step, default: []].append(reward) }
                    for (key, _) in RunComparison.stepMetrics {
                        if let v = values?[key]?.numberValue { metricsByStep[key, default: [:]][step, default: []].append(v) }
                    }
                }
            }
            guard !final.isEmpty else { continue }
            func means(_ d: [Int: [Double]]) -> [(step: Int, value: Double)] {
                d.keys.sorted().map { ($0, d[$0]!.reduce(0, +) / Double(d[$0]!.count)) }
            }
            let reward = means(rewards)
            let saturation = reward.indices.first { i in
                i + 5 <= reward.count && reward[i..<(i + 5)].map(\.value).reduce(0, +) / 5 >= 0.95
            }.map { reward[$0 + 4].step }
            arms.append(Arm(name: name, runs: runs, final: final, reward: reward, testByBenchmark: byBenchmark.mapValues(means),
                            metrics: metricsByStep.mapValues(means), saturation: saturation))
        }
        guard !arms.isEmpty else { return nil }
        self.benchmarks = benchmarks.sorted()
        self.base = base
        self.arms = arms
    }
}
