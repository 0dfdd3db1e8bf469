import Foundation
import Grading
import Store
import JSON

/// The JSON row layouts `oneshot import` recognises without flags, and how each yields an example.
///
/// | schema | recognised by | problem | gold answer | source index |
/// |---|---|---|---|---|
/// | verl | `prompt` list and `reward_model` object | user message, the step-by-step instruction kept apart | `reward_model.ground_truth` | `extra_info.index` |
/// | olympiadbench | `question` and `final_answer` list | `question` | `final_answer[0]` without `$` | `id` |
/// | gsm8k | `question` and `answer` containing `####` | `question` | text after `####` | `idx` |
/// | math | `problem` and `solution` | `problem` | `answer` if present, else the last `\boxed{}` of `solution` | `unique_id`, `id`, `idx` |
/// | problem-answer | `problem` and `answer` | `problem` | `answer` (numbers as text: 27.0 gives "27") | `id`, `idx` |
public enum RowSchema: String, CaseIterable, Sendable {
    case verl, olympiadbench, gsm8k, math, problemAnswer = "problem-answer", mapped

    /// The schema a row's keys announce, or nil when none fits.
    public static func detect(_ row: JSONObject) -> RowSchema? {
        let keys = Set(row.keys)
        if keys.contains("prompt"), keys.contains("reward_model") { return .verl }
        if keys.contains("question"), keys.contains("final_answer") { return .olympiadbench }
        if keys.contains("question"), let answer = row["answer"]?.stringValue, answer.contains("####") { return .gsm8k }
        if keys.contains("problem"), keys.contains("solution") { return .math }
        if keys.contains("problem"), keys.contains("answer") { return .problemAnswer }
        return nil
    }
}

/// `--map` overrides: which JSON path (dot-separated, numbers index arrays) holds each field.
public struct FieldMap: Equatable, Sendable {
    public var problem: String?
    public var answer: String?
    public var solution: String?
    public var index: String?

    public init(problem: String? = nil, answer: String? = nil, solution: String? = nil, index: String? = nil) {
        self.problem = problem
        self.answer = answer
        self.solution = solution
        self.index = index
    }

    /// Parses `problem=F,answer=F,solution=F,index=F`.
    public init(parsing text: String) throws {
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, !pair[1].isEmpty else {
                throw RowError(field: nil, "--map takes field=path pairs separated by commas, got '\(part)'")
            }
            switch pair[0] {
            case "problem": problem = pair[1]
            case "answer": answer = pair[1]
            case "solution": solution = pair[1]
            case "index": index = pair[1]
            default: throw RowError(field: nil, "--map knows problem, answer, solution and index, not '\(pair[0])'")
            }
        }
    }

    public var isEmpty: Bool { problem == nil && answer == nil && solution == nil && index == nil }
}

/// Turns JSON rows into examples under one schema.
public struct RowMapper: Sendable {
    /// The instruction verl rows append to every prompt; kept apart from the problem text.
    public static let verlInstruction = " Let's think step by step and output the final answer within \\boxed{}."

    public let schema: RowSchema
    public let map: FieldMap

    public init(schema: RowSchema, map: FieldMap = FieldMap()) {
        self.schema = schema
        self.map = map
    }

    /// The example a row gives, or the field at fault.
    public func example(from row: JSONObject, position: Int, line: Int) throws(RowError) -> ExampleDraft {
        var consumed: [String] = []   // two or three keys: a list is cheaper per row than a set
        var extra: [(String, JSONValue)] = []
        var problem: String
        var answer: String?
        var solution: String?
        var index: String?

        switch schema {
        case .verl:
            consumed = ["prompt", "reward_model"]
            guard let messages = row["prompt"]?.arrayValue else { throw typeError("prompt", "a list of messages", row["prompt"]) }
            let user = messages.last { $0["role"]?.stringValue == "user" } ?? messages.first
            guard let content = user?["content"]?.stringValue else {
                throw RowError(field: "prompt", "no message with string 'content'")
            }
            problem = content
            if let stripped = RowMapper.removingSuffix(RowMapper.verlInstruction, from: content) {
                problem = stripped
                extra.append(("instruction", .string(String(RowMapper.verlInstruction.dropFirst()))))
            }
            guard let reward = row["reward_model"]?.objectValue else {
                throw typeError("reward_model", "an object", row["reward_model"])
            }
            answer = try scalar(reward["ground_truth"], field: "reward_model.ground_truth")
            if let style = reward["style"]?.stringValue { extra.append(("reward_style", .string(style))) }
            index = row["extra_info"]?["index"]?.scalarText
        case .olympiadbench:
            consumed = ["question", "final_answer", "solution"]
            problem = try string(row["question"], field: "question")
            guard let finals = row["final_answer"]?.arrayValue, let first = finals.first?.stringValue else {
                throw typeError("final_answer", "a non-empty list of strings", row["final_answer"])
            }
            answer = first.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "$"))
            if let parts = row["solution"]?.arrayValue { solution = parts.compactMap(\.stringValue).joined(separator: "\n") }
            index = row["id"]?.scalarText
        case .gsm8k:
            consumed = ["question", "answer"]
            problem = try string(row["question"], field: "question")
            let worked = try string(row["answer"], field: "answer")
            solution = worked
            guard let final = HashAnswer.last(in: worked) else { throw RowError(field: "answer", "no '####' final answer") }
            answer = final
            index = row["idx"]?.scalarText ?? row["id"]?.scalarText
        case .math, .problemAnswer:
            consumed = ["problem", "answer", "solution"]
            problem = try string(row["problem"], field: "problem")
            solution = row["solution"]?.stringValue
            if let given = row["answer"], given != .null {
                answer = try scalar(given, field: "answer")
            } else if let solution, let boxed = BoxedAnswer.last(in: solution) {
                answer = boxed
            } else {
                let fallback = solution == nil ? "no 'solution' to take a \\boxed{} answer from" : "'solution' has no \\boxed{} answer"
                throw RowError(field: "answer", (row["answer"] == nil ? "no 'answer' field" : "'answer' is null") + " and " + fallback)
            }
            index = row["unique_id"]?.scalarText ?? row["id"]?.scalarText ?? row["idx"]?.scalarText
        case .mapped:
            guard map.problem != nil else { throw RowError(field: nil, "--map must name the problem field") }
            problem = ""
        }

        // --map overrides whatever the schema found.
        if let path = map.problem { problem = try string(lookup(row, path), field: path); consumed.append(topKey(path)) }
        if let path = map.answer { answer = try scalar(lookup(row, path), field: path); consumed.append(topKey(path)) }
        if let path = map.solution { solution = lookup(row, path)?.stringValue; consumed.append(topKey(path)) }
        if let path = map.index { index = lookup(row, path)?.scalarText }

        guard problem.utf8.contains(where: { !TextNormalizer.isSpace($0) }) else {
            throw RowError(field: map.problem ?? "problem", "the problem text is empty")
        }
        var metadata = JSONObject(capacity: row.count + extra.count)
        for (key, value) in zip(row.keys, row.values) where !consumed.contains(key) { metadata[key] = value }
        for (key, value) in extra { metadata[key] = value }
        return ExampleDraft(position: position, line: line, sourceIndex: index, problem: problem, answer: answer,
                            solution: solution, metadata: JSONValue.object(metadata).serialized,
                            normHash: TextNormalizer.hash(problem))
    }

    /// `text` without `suffix`, compared byte for byte; nil when it does not end so.
    static func removingSuffix(_ suffix: String, from text: String) -> String? {
        let t = text.utf8, s = suffix.utf8
        guard t.count >= s.count, t.suffix(s.count).elementsEqual(s) else { return nil }
        return String(decoding: t.prefix(t.count - s.count), as: UTF8.self)
    }

    private func topKey(_ path: String) -> String { String(path.split(separator: ".").first ?? "") }

    private func lookup(_ row: JSONObject, _ path: String) -> JSONValue? {
        var current: JSONValue? = .object(row)
        for part in path.split(separator: ".") {
            if let i = Int(part), case .array = current { current = current?[i] } else { current = current?[String(part)] }
        }
        return current
    }

    private func string(_ value: JSONValue?, field: String) throws(RowError) -> String {
        guard let s = value?.stringValue else { throw typeError(field, "a string", value) }
        return s
    }

    /// A gold answer: strings as they are, numbers as text (27.0 gives "27").
    private func scalar(_ value: JSONValue?, field: String) throws(RowError) -> String {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d) where d.isFinite:
            return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
        default: throw typeError(field, "a string or number", value)
        }
    }

    private func typeError(_ field: String, _ expected: String, _ got: JSONValue?) -> RowError {
        RowError(field: field, got == nil ? "missing (expected \(expected))" : "expected \(expected), got \(got!.typeName)")
    }
}
