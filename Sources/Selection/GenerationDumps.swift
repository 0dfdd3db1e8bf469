import Corpus
import Foundation
import Grading
import JSON
import Store

/// The formats of graded generations made elsewhere (vLLM, verl, Qwen2.5-Eval) that `oneshot eval import` reads.
public enum GenerationFormat: String, CaseIterable, Sendable {
    /// One JSON object per line with a gold answer (`gold`, `answer`, `gt`, `ground_truth` or `gts`) and the
    /// responses (`responses` or `outputs`: a list of strings or of `{"text": ...}`; or one `response`,
    /// `output`, `completion` or `generated_text`). Lines with the same `problem` (or `question`, `prompt`,
    /// `input`), gold, step and benchmark are one problem's samples.
    case jsonl
    /// verl's validation dumps (`trainer.validation_data_dir`): `{step}.jsonl` files, or one of them, with
    /// `input`, `output`, `gts`, `step`, one line per response; a line's benchmark is its `data_source` or
    /// `ex_source` when the reward added one.
    case verlValidation = "verl-validation"
    /// Qwen2.5-Eval's output files: `question`, `gt` (its parsed gold) and `code` (the k samples).
    case qwenEval = "qwen-eval"
}

/// One problem's responses as a generation file gives them.
public struct GeneratedProblem: Equatable, Sendable {
    public var benchmark: String?
    public var step: Int?
    public var gold: String
    public var responses: [String]
}

/// A line a generation file could not give: where, why, and its text (for the quarantine file).
public struct RejectedGeneration: Equatable, Sendable {
    public let path: String
    public let line: Int
    public let reason: String
    public let raw: String
}

/// What reading generation files gave: the problems in file order, the rejected lines, and each file's sha256.
public struct GenerationRead: Sendable {
    public var problems: [GeneratedProblem] = []
    public var rejected: [RejectedGeneration] = []
    public var files: [(path: String, sha256: String)] = []
}

/// Reads generation files; a line that cannot be read is rejected with its file, line and field, the rest kept.
public struct GenerationReader: Sendable {
    public var format: GenerationFormat
    /// Overrides the field the gold answer is read from.
    public var goldField: String?

    public init(format: GenerationFormat, goldField: String? = nil) {
        self.format = format
        self.goldField = goldField
    }

    /// Reads `path`: a file, or for verl-validation also a folder of `{step}.jsonl` files.
    public func read(_ path: String) throws -> GenerationRead {
        var result = GenerationRead()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw TrajectoryError("\(path): no such file") }
        let files: [(step: Int?, path: String)]
        if isDirectory.boolValue {
            guard format == .verlValidation else { throw TrajectoryError("\(path): a folder; only verl-validation reads a folder of {step}.jsonl files") }
            files = try TrajectoryReader.stepFiles(in: path).map { ($0.0, $0.1) }
        } else {
            files = [(Int((path as NSString).lastPathComponent.replacingOccurrences(of: ".jsonl", with: "")), path)]
        }
        var index: [ProblemKey: Int] = [:]
        func keep(_ outcome: LineOutcome) {
            switch outcome {
            case .rejected(let r): result.rejected.append(r)
            case .sample(let key, let sample):
                if let key, let i = index[key] {
                    result.problems[i].responses += sample.responses
                } else {
                    if let key { index[key] = result.problems.count }
                    result.problems.append(sample)
                }
            }
        }
        for file in files {
            // Each line's outcome is kept once the next line has begun: the last line is kept only when it ends
            // with a newline (without one, it is still being written and waits for the next read).
            var held: LineOutcome?
            let (sha, _) = try LineReader(path: file.path).forEachLine { line in
                let raw = String(decoding: line.bytes, as: UTF8.self)
                if raw.allSatisfy({ $0 == " " || $0 == "\r" || $0 == "\t" }) { return }
                if let previous = held { keep(previous) }
                held = outcome(line, raw: raw, file: file)
            }
            if let last = held, !GenerationReader.hasIncompleteLastLine(file.path) { keep(last) }
            result.files.append((file.path, sha))
        }
        return result
    }

    /// What one line gives: a problem's responses (with the key that groups it), or a rejection.
    private enum LineOutcome {
        case sample(ProblemKey?, GeneratedProblem)
        case rejected(RejectedGeneration)
    }

    private func outcome(_ line: LineReader.Line, raw: String, file: (step: Int?, path: String)) -> LineOutcome {
        func reject(_ reason: String) -> LineOutcome {
            .rejected(RejectedGeneration(path: file.path, line: line.number, reason: reason, raw: raw))
        }
        if let length = line.tooLongLength { return reject("line of \(length) bytes is too long") }
        let value: JSONValue
        do { value = try JSONParser.parse(line.bytes) } catch { return reject("invalid JSON at column \(error.offset + 1): \(error.message)") }
        guard case .object = value else { return reject("expected a JSON object, got \(value.typeName)") }
        do {
            let (key, sample) = try parse(value, fileStep: file.step)
            return .sample(key, sample)
        } catch {
            return reject((error as? TrajectoryError)?.message ?? "\(error)")
        }
    }

    static func hasIncompleteLastLine(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd(), size > 0 else { return false }
        try? handle.seek(toOffset: size - 1)
        return (try? handle.read(upToCount: 1))?.first != 0x0A
    }

    /// The problem a line belongs to (nil: a problem of its own) and what it gives.
    private func parse(_ value: JSONValue, fileStep: Int?) throws -> (ProblemKey?, GeneratedProblem) {
        let step = value["step"]?.numberValue.map { Int($0) } ?? fileStep
        let benchmark = (value["benchmark"] ?? value["data_source"] ?? value["ex_source"])?.stringValue
        switch format {
        case .jsonl:
            let gold = try text(value, goldField.map { [$0] } ?? ["gold", "answer", "gt", "ground_truth", "gts"], what: "gold answer")
            let responses = try responseList(value, lists: ["responses", "outputs", "code"],
                                             singles: ["response", "output", "completion", "generated_text"])
            let problem = ["problem", "question", "prompt", "input"].lazy.compactMap { value[$0]?.stringValue }.first
            return (problem.map { ProblemKey(problem: $0, gold: gold, step: step, benchmark: benchmark) },
                    GeneratedProblem(benchmark: benchmark, step: step, gold: gold, responses: responses))
        case .verlValidation:
            let gold = try text(value, goldField.map { [$0] } ?? ["gts"], what: "gold answer")
            let responses = try responseList(value, lists: [], singles: ["output"])
            let input = try text(value, ["input"], what: "prompt")
            return (ProblemKey(problem: input, gold: gold, step: step, benchmark: benchmark),
                    GeneratedProblem(benchmark: benchmark, step: step, gold: gold, responses: responses))
        case .qwenEval:
            let gold = try text(value, goldField.map { [$0] } ?? ["gt"], what: "gold answer")
            let responses = try responseList(value, lists: ["code", "responses"], singles: ["response"])
            return (nil, GeneratedProblem(benchmark: benchmark, step: step, gold: gold, responses: responses))
        }
    }

    /// The first of `fields` present, as text (numbers as written; a one-element list as its element).
    private func text(_ value: JSONValue, _ fields: [String], what: String) throws -> String {
        for field in fields {
            guard let v = value[field], v != .null else { continue }
            if let s = v.scalarText { return s }
            if let list = v.arrayValue, list.count == 1, let s = list[0].scalarText { return s }
            throw TrajectoryError("field '\(field)': the \(what) must be a string or a number, got \(v.typeName)")
        }
        throw TrajectoryError("field '\(fields[0])': missing (the \(what); looked for \(fields.joined(separator: ", ")))")
    }

    private func responseList(_ value: JSONValue, lists: [String], singles: [String]) throws -> [String] {
        for field in lists {
            guard let v = value[field] else { continue }
            guard let items = v.arrayValue else { throw TrajectoryError("field '\(field)': expected a list of responses, got \(v.typeName)") }
            return try items.enumerated().map { i, item in
                if let s = item.stringValue { return s }
                if let s = item["text"]?.stringValue { return s }
                throw TrajectoryError("field '\(field)', item \(i + 1): expected a string or {\"text\": ...}, got \(item.typeName)")
            }
        }
        for field in singles {
            guard let v = value[field] else { continue }
            guard let s = v.stringValue else { throw TrajectoryError("field '\(field)': expected the response as a string, got \(v.typeName)") }
            return [s]
        }
        throw TrajectoryError("field '\((lists + singles)[0])': missing (the responses; looked for \((lists + singles).joined(separator: ", ")))")
    }

    private struct ProblemKey: Hashable {
        let problem: String, gold: String, step: Int?, benchmark: String?
    }
}

/// The problems of one benchmark at one step, from generation files: what one evaluation record holds.
public struct GenerationGroup: Sendable {
    public let benchmark: String
    public let step: Int
    public private(set) var problems: [GeneratedProblem]

    /// `problems` grouped by the benchmark and step these give each one, in the order first seen.
    public static func grouping(_ problems: [GeneratedProblem], benchmark: (GeneratedProblem) throws -> String,
                                step: (GeneratedProblem) -> Int) rethrows -> [GenerationGroup] {
        var groups: [GenerationGroup] = [], index: [String: [Int: Int]] = [:]
        for problem in problems {
            let name = try benchmark(problem), at = step(problem)
            if let i = index[name]?[at] { groups[i].problems.append(problem) } else {
                index[name, default: [:]][at] = groups.count
                groups.append(GenerationGroup(benchmark: name, step: at, problems: [problem]))
            }
        }
        return groups
    }

    /// Responses per problem (k) when every problem has the same number; nil when they differ.
    public var samples: Int? {
        let counts = Set(problems.map(\.responses.count))
        return counts.count == 1 ? counts.first : nil
    }

    /// Every response graded by `grader` (maj@k by ``MajorityVote``, mean length in characters); nil when the
    /// problems' k differ, since avg@k needs one k.
    public func evaluation(grader: Grader, temperature: Double) -> EvaluationRecord? {
        guard let k = samples, k > 0 else { return nil }
        var record = EvaluationRecord(step: step, benchmark: benchmark, problems: problems.count, samples: k, correct: 0, solved: 0, boxed: 0,
                                      meanLength: 0, temperature: temperature, majority: 0, reflective: 0)
        var characters = 0
        for problem in problems {
            let verdicts = problem.responses.map { response -> (correct: Bool, answer: String?) in
                if response.contains("\\boxed") { record.boxed += 1 }
                if SelfReflection.isReflective(response) { record.reflective! += 1 }
                characters += response.count
                let verdict = grader.grade(gold: problem.gold, response: response)
                return (verdict.correct, verdict.extracted)
            }
            let correct = verdicts.filter(\.correct).count
            record.correct += correct
            if correct > 0 { record.solved += 1 }
            if MajorityVote.isCorrect(verdicts) { record.majority! += 1 }
        }
        record.meanLength = Double(characters) / Double(max(1, problems.count * k))
        return record
    }
}
