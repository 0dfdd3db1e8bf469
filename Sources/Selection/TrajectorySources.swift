import Corpus
import Foundation
import Store
import JSON

/// The formats accuracy histories are imported from.
public enum TrajectoryFormat: String, CaseIterable, Sendable {
    /// One-Shot-RLVR's `acc_step_*.json`: source index -> list of accuracies, one per appearance
    /// (or, in `acc_step_with_step_*.json`, source index -> {step: accuracy}).
    case oneShotRLVR = "one-shot-rlvr"
    /// A folder of verl rollout dumps, `{step}.jsonl` from `trainer.rollout_data_dir`, one line per sampled
    /// response with `score` (or `acc`), `step` and the example's index under `ex_index`.
    case verlRollouts = "verl-rollouts"
}

/// An accuracy history as a source gives it: keyed by the example's source index.
public struct SourceHistory: Equatable, Sendable {
    public let sourceIndex: String
    public let points: [TrajectoryPoint]
}

/// Why a trajectory file could not be read; names the file, and the line or key at fault.
public struct TrajectoryError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Reads accuracy histories from the formats of the field.
public enum TrajectoryReader {
    /// Reads `path` in `format`. `samples` is the number of responses per appearance behind One-Shot-RLVR's
    /// accuracies (8 in the paper: every value must be a multiple of 1/samples).
    public static func read(_ path: String, format: TrajectoryFormat, samples: Int = 8) throws -> [SourceHistory] {
        switch format {
        case .oneShotRLVR: return try readAccStep(path, samples: samples)
        case .verlRollouts: return try readRollouts(path)
        }
    }

    static func readAccStep(_ path: String, samples: Int) throws -> [SourceHistory] {
        guard let data = FileManager.default.contents(atPath: path) else { throw TrajectoryError("\(path): cannot read the file") }
        let bytes = [UInt8](data)
        let value: JSONValue
        do {
            value = try bytes.withUnsafeBufferPointer { try JSONParser.parse($0) }
        } catch let error as JSONParseError {
            let line = bytes.prefix(error.offset).reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw TrajectoryError("\(path):\(line): invalid JSON: \(error.message)")
        }
        guard case .object(let object) = value else {
            throw TrajectoryError("\(path): expected a JSON object of source index -> accuracies, got \(value.typeName)")
        }
        return try zip(object.keys, object.values).map { key, entry in
            let raw: [(step: Int?, value: JSONValue)]
            switch entry {
            case .array(let list): raw = list.map { (nil, $0) }
            case .object(let bySteps):
                raw = try zip(bySteps.keys, bySteps.values).map { step, v in
                    guard let s = Int(step) else { throw TrajectoryError("\(path): key \"\(key)\": step \"\(step)\" is not a number") }
                    return (s, v)
                }.sorted { $0.step! < $1.step! }
            default:
                throw TrajectoryError("\(path): key \"\(key)\": expected a list of accuracies, got \(entry.typeName)")
            }
            let points = try raw.enumerated().map { epoch, item -> TrajectoryPoint in
                guard let accuracy = item.value.numberValue else {
                    throw TrajectoryError("\(path): key \"\(key)\", value \(epoch + 1): expected a number, got \(item.value.typeName)")
                }
                guard (0...1).contains(accuracy) else {
                    throw TrajectoryError("\(path): key \"\(key)\", value \(epoch + 1): accuracy \(accuracy) is outside [0, 1]")
                }
                let correct = (accuracy * Double(samples)).rounded()
                guard abs(correct - accuracy * Double(samples)) < 1e-9 else {
                    throw TrajectoryError("\(path): key \"\(key)\", value \(epoch + 1): \(accuracy) is not a multiple of 1/\(samples); pass --samples with the number of responses per prompt")
                }
                return TrajectoryPoint(epoch: epoch, step: item.step, correct: Int(correct), sampled: samples)
            }
            return SourceHistory(sourceIndex: key, points: points)
        }
    }

    /// The rollout dumps' histories; the first unreadable line fails the read (`trajectories import`, which
    /// has no run folder to quarantine in; `oneshot ingest` keeps the rest and quarantines the line).
    static func readRollouts(_ directory: String) throws -> [SourceHistory] {
        let read = try readRollouts(directory, identity: nil)
        if let first = read.rejected.first { throw TrajectoryError(first.message) }
        return read.histories
    }

    /// The `{step}.jsonl` files of a folder, by step.
    public static func stepFiles(in directory: String) throws -> [(Int, String)] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TrajectoryError("\(directory): not a folder (verl-rollouts reads the folder given as trainer.rollout_data_dir)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        let files = names.compactMap { name -> (Int, String)? in
            guard name.hasSuffix(".jsonl"), let step = Int(name.dropLast(6)) else { return nil }
            return (step, (directory as NSString).appendingPathComponent(name))
        }.sorted { $0.0 < $1.0 }
        guard !files.isEmpty else { throw TrajectoryError("\(directory): no {step}.jsonl rollout files") }
        return files
    }
}
