import Foundation
import Testing
@testable import Corpus
@testable import Selection
import Store
import JSON

@Suite struct TrajectoryImportTests {
    func store(withIndices indices: [Int]) throws -> (Store, DatasetRecord) {
        let store = try Store(path: ":memory:")
        let lines = indices.map { #"{"data_source": "t", "prompt": [{"content": "Problem \#($0)?", "role": "user"}], "ability": "math", "reward_model": {"ground_truth": "1", "style": "rule"}, "extra_info": {"index": \#($0), "split": "train"}}"# }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pool-\(UUID().uuidString).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        _ = try Importer(store: store).importFile(path, options: ImportOptions(dataset: "pool"))
        return (store, try #require(try store.dataset(named: "pool")))
    }

    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("acc-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func expectFailure(_ json: String, containing message: String, indices: [Int] = [1, 2]) throws {
        let (store, dataset) = try store(withIndices: indices)
        let path = try write(json)
        do {
            _ = try TrajectoryImport(store: store).run(path: path, format: .oneShotRLVR, dataset: dataset, runName: "r")
            Issue.record("expected an error containing \(message)")
        } catch let error as TrajectoryError {
            #expect(error.message.contains(message), "\(error.message)")
        }
        #expect(try store.runs().isEmpty)                                       // nothing half-imported
        #expect(try store.db.scalar("SELECT count(*) FROM trajectories") == .integer(0))
    }

    @Test func unknownIndicesAreNamed() throws {
        try expectFailure(#"{"1": [0.5], "5000": [0.25], "2": [0]}"#, containing: "1 source index is not in dataset 'pool': 5000")
    }

    @Test func duplicateKeysAreRefused() throws {
        try expectFailure("{\"1\": [0.5],\n \"1\": [0.25]}", containing: ":2: invalid JSON: duplicate key \"1\"")
    }

    @Test func nonNumericValuesAreRefused() throws {
        try expectFailure(#"{"1": [0.5, "high"], "2": [0]}"#, containing: #"key "1", value 2: expected a number, got string"#)
    }

    @Test func valuesMustBeMultiplesOfOneOverSamples() throws {
        try expectFailure(#"{"1": [0.3]}"#, containing: "0.3 is not a multiple of 1/8")
        try expectFailure(#"{"1": [1.5]}"#, containing: "outside [0, 1]")
    }

    @Test func runNamesAreUnique() throws {
        let (store, dataset) = try store(withIndices: [1])
        let path = try write(#"{"1": [0.5]}"#)
        _ = try TrajectoryImport(store: store).run(path: path, format: .oneShotRLVR, dataset: dataset, runName: "r")
        #expect(throws: StoreError.self) { try TrajectoryImport(store: store).run(path: path, format: .oneShotRLVR, dataset: dataset, runName: "r") }
    }

    @Test func runRecordsItsInputs() throws {
        let (store, dataset) = try store(withIndices: [1])
        let path = try write(#"{"1": [0.5, 0.625]}"#)
        let result = try TrajectoryImport(store: store).run(path: path, format: .oneShotRLVR, dataset: dataset, runName: "r")
        #expect(result.run.purpose == .probe && result.run.status == .done && result.run.toolVersion == ToolInfo.version)
        let inputs = try JSONParser.parse(result.run.inputs)
        #expect(inputs.objectValue?.values.first?.stringValue?.count == 64)
        #expect(try JSONParser.parse(result.run.config)["samples"] == .int(8))
    }

    @Test func verlRolloutsGroupPerExampleAndStep() throws {
        let (store, dataset) = try store(withIndices: [7, 9])
        let folder = Paths.fixtures.appendingPathComponent("rollouts").path
        let result = try TrajectoryImport(store: store).run(path: folder, format: .verlRollouts, dataset: dataset, runName: "verl")
        #expect(result.histories == 2 && result.points == 6)   // the truncated last line of 3.jsonl is left out
        let histories = try store.histories(runID: result.run.id)
        let byIndex = try Dictionary(uniqueKeysWithValues: histories.map { (try store.example(id: $0.exampleID)!.sourceIndex!, $0) })
        #expect(byIndex["7"]!.points.map(\.correct) == [1, 3, 4])
        #expect(byIndex["7"]!.points.map(\.step) == [1, 2, 3])
        #expect(byIndex["9"]!.points.map(\.correct) == [4, 3, 4])
        #expect(byIndex["7"]!.points.allSatisfy { $0.sampled == 4 })
        #expect(histories.map(\.position) == [0, 1] && byIndex["7"]!.position == 0)   // first seen first
    }

    @Test func rolloutLineWithoutIndexIsAClearError() throws {
        let (store, dataset) = try store(withIndices: [7])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rollouts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "{\"score\": 1.0, \"step\": 1}\n".write(to: folder.appendingPathComponent("1.jsonl"), atomically: true, encoding: .utf8)
        #expect(throws: TrajectoryError("\(folder.path)/1.jsonl:1: field 'ex_index': missing (the reward function must return the example's index as ex_index)")) {
            try TrajectoryImport(store: store).run(path: folder.path, format: .verlRollouts, dataset: dataset, runName: "v")
        }
    }
}
