import Foundation
import JSON
import Store

/// Tells which training example a rollout line is about when the line does not say (verl 0.9's V1 trainer
/// dumps only `input, output, gts, score, step, uid`: the reward's `ex_index` is not kept).
///
/// The rule: a line belongs to the training rows whose prompt text stands in the line's `input` (the prompt
/// as the chat template wrapped it, decoded) and whose ground truth equals its `gts`; where one matching
/// prompt contains another, the longest wins. Rows with the same prompt and the same answer (DSR-sub's
/// indices 136, 780 and 899) cannot be told apart by any dump: such a line is credited to each of them, the
/// same problem with the same answer getting one shared history, and counted in ``RolloutRead/sharedLines``.
public struct RolloutIdentity: Sendable {
    struct Row: Sendable {
        let index: String
        let prompt: String
    }

    private let byGold: [String: [Row]]
    private let all: [Row]

    /// `rows`: the training rows verl was given (source index, prompt text, ground truth).
    public init(rows: [(index: String, prompt: String, gold: String)]) {
        var byGold: [String: [Row]] = [:]
        var seen = Set<String>()
        var all: [Row] = []
        for row in rows where seen.insert(row.index).inserted {
            byGold[row.gold, default: []].append(Row(index: row.index, prompt: row.prompt))
            all.append(Row(index: row.index, prompt: row.prompt))
        }
        self.byGold = byGold
        self.all = all
    }

    /// The source indices a line with this input and ground truth belongs to (empty when none matches).
    public func indices(input: String, gold: String?) -> [String] {
        let candidates = gold.flatMap { byGold[$0] } ?? all
        let matching = candidates.filter { !$0.prompt.isEmpty && input.contains($0.prompt) }
        guard let longest = matching.map(\.prompt.count).max() else { return [] }
        return matching.filter { $0.prompt.count == longest }.map(\.index)
    }
}

/// A rollout line that could not be read: where, why, and its text (for the quarantine).
public struct RejectedRollout: Equatable, Sendable {
    public let path: String
    public let line: Int
    public let reason: String
    public let raw: String

    /// `path:line: reason`.
    public var message: String { "\(path):\(line): \(reason)" }
}

/// What reading a folder of rollout dumps gave.
public struct RolloutRead: Sendable {
    public var histories: [SourceHistory] = []
    public var rejected: [RejectedRollout] = []
    /// Lines credited to several examples that share their prompt and answer.
    public var sharedLines = 0
    /// Lines identified by their prompt (no ex_index in the line).
    public var matchedByPrompt = 0

    public init(histories: [SourceHistory] = []) { self.histories = histories }
}

extension TrajectoryReader {
    /// Groups rollout lines by (example, step): correct = responses whose `acc` (else `score`) is at least
    /// 0.5, sampled = responses. Each example's groups in step order are its epochs. A line names its example
    /// by `ex_index` (what OneShotKit's reward returns, kept by verl 0.8's dumps), or else is identified by
    /// `identity` from its prompt. A line that cannot be read is rejected with its file, line and field, and
    /// the rest are kept; a last line without a newline (a file still being written) waits for the next read.
    public static func readRollouts(_ directory: String, identity: RolloutIdentity?) throws -> RolloutRead {
        var read = RolloutRead()
        var order: [String] = []
        var groups: [String: [Int: (correct: Int, sampled: Int)]] = [:]
        var cache: [String: [String]] = [:]
        for (fileStep, path) in try stepFiles(in: directory) {
            guard let lines = CompleteLines.read(path) else { throw TrajectoryError("\(path): cannot read the file") }
            for (number, line) in lines {
                func reject(_ reason: String) { read.rejected.append(RejectedRollout(path: path, line: number, reason: reason, raw: line)) }
                let value: JSONValue
                do { value = try JSONParser.parse(line) } catch {
                    reject("invalid JSON at column \(error.offset + 1): \(error.message)")
                    continue
                }
                guard let reward = (value["acc"] ?? value["score"])?.numberValue else {
                    reject("field 'score': missing or not a number")
                    continue
                }
                var indices: [String]
                if let index = value["ex_index"]?.scalarText {
                    indices = [index]
                } else if let identity {
                    guard let input = value["input"]?.stringValue else {
                        reject("field 'input': missing (a line without ex_index is identified by its prompt)")
                        continue
                    }
                    let gold = value["gts"]?.scalarText
                    let key = input + "\u{0}" + (gold ?? "")
                    indices = cache[key] ?? identity.indices(input: input, gold: gold)
                    cache[key] = indices
                    guard !indices.isEmpty else {
                        reject("field 'input': no training prompt of the run stands in it (with gts \(gold.map { "'\($0)'" } ?? "missing"))")
                        continue
                    }
                    read.matchedByPrompt += 1
                    if indices.count > 1 { read.sharedLines += 1 }
                } else {
                    reject("field 'ex_index': missing (the reward function must return the example's index as ex_index)")
                    continue
                }
                let step = value["step"].flatMap { $0.numberValue.map { Int($0) } } ?? fileStep
                for index in indices {
                    if groups[index] == nil { order.append(index) }
                    var g = groups[index, default: [:]][step, default: (0, 0)]
                    g.sampled += 1
                    if reward >= 0.5 { g.correct += 1 }
                    groups[index, default: [:]][step] = g
                }
            }
        }
        read.histories = order.map { index in
            let steps = groups[index]!.sorted { $0.key < $1.key }
            return SourceHistory(sourceIndex: index, points: steps.enumerated().map { epoch, entry in
                TrajectoryPoint(epoch: epoch, step: entry.key, correct: entry.value.correct, sampled: entry.value.sampled)
            })
        }
        return read
    }
}
