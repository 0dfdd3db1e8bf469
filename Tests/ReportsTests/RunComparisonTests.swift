import Foundation
import Testing
@testable import Reports
import Store

@Suite struct RunComparisonTests {
    /// Two arms, one with two seeds and a hostile name: the table holds mean ± std per benchmark and on
    /// average, the best of each column is marked, the saturation step is found, and every name stays text.
    @Test func armsSeedsBestAndSaturation() throws {
        let store = try Store(path: ":memory:")
        func train(_ name: String, final: [Double], rewards: [Double]) throws {
            let run = try store.startRun(NewRun(name: name, engine: "builtin", purpose: .train, datasetID: nil), examples: [])
            for (benchmark, accuracy) in zip(["synth:add", "synth:sub"], final) {
                for (step, value) in [(0, 0.5), (10, accuracy)] {
                    try store.recordEvaluation(runID: run.id, EvaluationRecord(step: step, benchmark: benchmark, problems: 100, samples: 1,
                                                                               correct: Int(value * 100), solved: Int(value * 100), boxed: 100,
                                                                               meanLength: 30, temperature: 0))
                }
            }
            for (i, reward) in rewards.enumerated() {
                try store.recordStep(runID: run.id, step: i + 1, metrics: #"{"reward":\#(reward)}"#, points: [])
            }
            try store.finishRun(runID: run.id, status: .done)
        }
        let rising = [0.2, 0.5, 0.9, 0.95, 1, 1, 1, 1, 1, 1]
        try train("pi1-s1", final: [0.8, 0.6], rewards: rising)
        try train("pi1-s2", final: [0.6, 0.6], rewards: rising)
        try train("<b>x</b>", final: [0.9, 0.3], rewards: [0.1, 0.2, 0.1, 0.3, 0.2, 0.1, 0.2, 0.3, 0.2, 0.1])
        let runs = try #require(try RunComparison(store: store))
        #expect(runs.benchmarks == ["synth:add", "synth:sub"])
        #expect(runs.arms.map(\.name) == ["pi1", "<b>x</b>"])
        let pi1 = runs.arms[0]
        #expect(abs(pi1.summary("synth:add")!.mean - 0.7) < 1e-9 && abs(pi1.summary("synth:add")!.spread - 0.1414213562) < 1e-6)
        #expect(abs(pi1.average(over: runs.benchmarks)!.mean - 0.65) < 1e-9)
        #expect(pi1.saturation == 7 && runs.arms[1].saturation == nil)   // steps 3-7 average 0.97
        #expect(runs.rows.map(\.label) == ["base (step 0)", "pi1 (n=2)", "<b>x</b> (n=1)"])
        #expect(runs.bestRowPerColumn == [2, 1, 1])   // add: x 0.9; sub: pi1 0.6; average: pi1 0.65 against x 0.6
        let html = HTMLReport.render(try ReportData(store: store))
        #expect(html.contains("<section id=\"runs\"") && html.contains("<b>90.0 ± 0.0</b>") && html.contains("70.0 ± 14.1"))
        #expect(html.contains("&lt;b&gt;x&lt;/b&gt; (n=1)") && !html.contains("<b>x</b>"))
        #expect(html.contains("saturated (step 7)") && html.contains("<figcaption>&lt;b&gt;x&lt;/b&gt; (1 run(s))</figcaption>"))
        let (markdown, charts) = MarkdownReport.render(try ReportData(store: store))
        #expect(markdown.contains("## Runs") && markdown.contains("| pi1 (n=2) | 70.0 ± 14.1 | **60.0 ± 0.0** |"))
        #expect(charts.keys.contains("runs-pi1.svg") && !markdown.contains("<b>x</b>"))
    }
}
