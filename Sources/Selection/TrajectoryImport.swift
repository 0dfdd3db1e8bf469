import Corpus
import Foundation
import Store
import JSON

/// Imports accuracy histories into the store as a probe run over a dataset.
public struct TrajectoryImport {
    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Reads `path`, attributes every history to an example of `dataset` by its source index, and records
    /// the run. Nothing is recorded when any history cannot be attributed or any value is bad.
    public func run(path: String, format: TrajectoryFormat, dataset: DatasetRecord, runName: String,
                    samples: Int = 8) throws -> (run: RunRecord, histories: Int, points: Int) {
        let source = try TrajectoryReader.read(path, format: format, samples: samples)
        guard !source.isEmpty else { throw TrajectoryError("\(path): no histories in the file") }
        let byIndex = try store.examplesBySourceIndex(datasetID: dataset.id)
        let unknown = source.map(\.sourceIndex).filter { byIndex[$0] == nil }
        guard unknown.isEmpty else {
            throw TrajectoryError("\(path): \(unknown.count) source ind\(unknown.count == 1 ? "ex is" : "ices are") not in dataset '\(dataset.name)': \(unknown.prefix(5).joined(separator: ", "))\(unknown.count > 5 ? ", ..." : "")")
        }
        let histories = source.enumerated().map { position, h in
            StoredHistory(exampleID: byIndex[h.sourceIndex]!, position: position, points: h.points)
        }
        var config = JSONObject()
        config["format"] = .string(format.rawValue)
        config["source"] = .string(URL(fileURLWithPath: path).standardizedFileURL.path)
        if format == .oneShotRLVR { config["samples"] = .int(Int64(samples)) }
        let run = try store.recordRun(NewRun(
            name: runName, engine: format == .oneShotRLVR ? "one-shot-rlvr" : "verl", purpose: .probe, datasetID: dataset.id,
            config: JSONValue.object(config).serialized, inputs: JSONValue.object(try inputHashes(path, format: format)).serialized),
            histories: histories)
        return (run, histories.count, histories.reduce(0) { $0 + $1.points.count })
    }

    private func inputHashes(_ path: String, format: TrajectoryFormat) throws -> JSONObject {
        var hashes = JSONObject()
        let files = format == .verlRollouts ? try TrajectoryReader.stepFiles(in: path).map(\.1) : [path]
        for file in files {
            hashes[URL(fileURLWithPath: file).standardizedFileURL.path] = .string(try LineReader.forEachChunk(path: file) { _ in }.sha256)
        }
        return hashes
    }
}
