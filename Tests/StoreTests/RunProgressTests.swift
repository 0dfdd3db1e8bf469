import Testing
@testable import Store

@Suite struct RunProgressTests {
    /// A run written step by step, cut back to a checkpoint (as a resumed run does), then finished.
    @Test func stepsEvaluationsRewindAndFinish() throws {
        let store = try Store(path: ":memory:")
        let dataset = try store.datasetCreatingIfNeeded(named: "pool", role: .train)
        let info = SourceFileInfo(path: "/pool.jsonl", format: "jsonl", schema: "math", sha256: "abc", bytes: 10)
        _ = try store.importFile(into: dataset, file: info) { writer in
            for i in 0..<2 {
                try writer.add(ExampleDraft(position: i, line: i + 1, sourceIndex: nil, problem: "p\(i)", answer: "1", solution: nil, normHash: "h\(i)"))
            }
        }
        let ids = try store.examples(datasetIDs: [dataset.id]).map(\.id)
        let run = try store.startRun(NewRun(name: "r", engine: "builtin", purpose: .train, datasetID: dataset.id, config: #"{"lr":1}"#), examples: ids)
        #expect(run.status == .running && run.endedAt == nil)
        #expect(throws: StoreError.self) { try store.startRun(NewRun(name: "r", engine: "builtin", purpose: .train, datasetID: nil), examples: []) }
        for step in 1...4 {
            try store.recordStep(runID: run.id, step: step, metrics: #"{"reward":0.5}"#,
                                 points: ids.map { ($0, TrajectoryPoint(epoch: step - 1, step: step, correct: step % 3, sampled: 8)) })
            try store.recordEvaluation(runID: run.id, EvaluationRecord(step: step, benchmark: "synth:add", problems: 10, samples: 2, correct: 7,
                                                                       solved: 5, boxed: 20, meanLength: 12.5, temperature: 1,
                                                                       majority: step == 1 ? 4 : nil, reflective: step == 1 ? 5 : nil))
        }
        #expect(try store.evaluations(runID: run.id).first?.accuracy == 0.35)
        #expect(try store.evaluations(runID: run.id).first?.passRate == 0.5)
        #expect(try store.evaluations(runID: run.id).map(\.majority) == [4, nil, nil, nil])
        #expect(try store.evaluations(runID: run.id).map(\.reflectionRate) == [0.25, nil, nil, nil])
        try store.rewindRun(runID: run.id, toStep: 2)
        #expect(try store.stepMetrics(runID: run.id).map(\.step) == [1, 2])
        #expect(try store.evaluations(runID: run.id).map(\.step) == [1, 2])
        #expect(try store.histories(runID: run.id).map { $0.points.count } == [2, 2])
        try store.finishRun(runID: run.id, status: .done)
        let finished = try store.requireRun(named: "r")
        #expect(finished.status == .done && finished.endedAt != nil && finished.toolVersion == ToolInfo.version)
        #expect(throws: StoreError.self) {
            try store.recordStep(runID: run.id, step: 2, metrics: "not json", points: [])
        }
    }
}
