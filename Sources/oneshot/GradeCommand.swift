import ArgumentParser
import Foundation
import Grading
import JSON

/// `oneshot grade`: the 0/1 reward, for one pair or a JSONL file of them.
struct Grade: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grade model answers against gold answers (the verifiable reward).",
        discussion: """
            One pair: --gold G --prediction P prints true or false. A file: one JSON object per line with the \
            gold and the model's response; prints one verdict per line (with --json, exactly one JSON object \
            per input line, in input order, with `correct` and `extracted`; the summary then goes to stderr). \
            --require-box gives 0 to a response without \\boxed{} (the paper's training reward). --serve keeps \
            running for another program (verl's reward module): each stdin line {"gold": G, "response": R} gets \
            one stdout line {"correct": true|false, "pred": ANSWER|null} at once, or {"error": ...} for a bad line.
            """)

    @Argument(help: "A JSONL file of pairs (omit with --gold/--prediction).")
    var file: String?

    @Option(help: "The gold answer (with --prediction).")
    var gold: String?

    @Option(help: "The model's response or answer (with --gold).")
    var prediction: String?

    @Option(help: "The field holding the gold answer.")
    var goldField = "gold"

    @Option(help: "The field holding the response.")
    var predictionField = "prediction"

    @Flag(help: "Give 0 to a response without \\boxed{}.")
    var requireBox = false

    @Flag(help: "One JSON object per input line on stdout.")
    var json = false

    @Option(help: "Worker threads (default: all cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Grade JSON lines from stdin one by one until stdin closes (a worker for another program).")
    var serve = false

    func validate() throws {
        if serve {
            guard file == nil && gold == nil && prediction == nil else { throw ValidationError("--serve reads stdin: give no FILE, --gold or --prediction") }
            return
        }
        if file == nil && (gold == nil || prediction == nil) { throw ValidationError("give a FILE, or both --gold and --prediction") }
        if file != nil && (gold != nil || prediction != nil) { throw ValidationError("give a FILE or --gold/--prediction, not both") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    mutating func run() throws {
        let grader = Grader(requireBox: requireBox)
        if serve { return Grade.serve(grader) }
        if let gold, let prediction {
            let verdict = grader.grade(gold: gold, response: prediction)
            if json {
                printJSON(.object(JSONObject(["correct": .bool(verdict.correct), "extracted": verdict.extracted.map(JSONValue.string) ?? .null])))
            } else {
                print(verdict.correct ? "true" : "false")
            }
            return
        }
        guard let file, let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file ?? "")") }
        let bytes = [UInt8](data)
        // Line ranges by byte (1-based line numbers kept), blank lines left out.
        var lines: [(number: Int, range: Range<Int>)] = []
        var start = 0, number = 1
        for (i, b) in bytes.enumerated() where b == 0x0A {
            if bytes[start..<i].contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) { lines.append((number, start..<i)) }
            start = i + 1
            number += 1
        }
        if bytes[start...].contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) { lines.append((number, start..<bytes.count)) }
        var results = [String](repeating: "", count: lines.count)
        var correct = 0, graded = 0, failed = 0
        let goldField = goldField, predictionField = predictionField, json = json, jobs = jobs, lineRanges = lines
        results.withUnsafeMutableBufferPointer { out in
            let target = UncheckedBuffer(out)
            let counters = Counters()
            bytes.withUnsafeBufferPointer { all in
                let input = UncheckedBuffer(UnsafeMutableBufferPointer(mutating: all))
                DispatchQueue.concurrentPerform(iterations: jobs) { worker in
                    var local = (0, 0, 0)
                    // Contiguous blocks per worker: each thread walks its own part of the file.
                    let lo = lineRanges.count * worker / jobs, hi = lineRanges.count * (worker + 1) / jobs
                    for k in lo..<hi {
                        let (number, range) = lineRanges[k]
                        let object = (try? JSONParser.parse(UnsafeBufferPointer(rebasing: input.buffer[range])))?.objectValue
                        guard let object, let g = object[goldField]?.scalarText, let p = object[predictionField]?.scalarText else {
                            let reason = object == nil ? "invalid JSON" : "missing '\(goldField)' or '\(predictionField)'"
                            target.buffer[k] = json ? JSONValue.object(JSONObject(["line": .int(Int64(number)), "error": .string(reason)])).serialized
                                : "\(file):\(number): \(reason)"
                            local.2 += 1
                            continue
                        }
                        let verdict = grader.grade(gold: g, response: p)
                        local.0 += verdict.correct ? 1 : 0
                        local.1 += 1
                        target.buffer[k] = json
                            ? JSONValue.object(JSONObject(["correct": .bool(verdict.correct), "extracted": verdict.extracted.map(JSONValue.string) ?? .null])).serialized
                            : "\(verdict.correct)\t\(verdict.extracted ?? "")"
                    }
                    counters.add(local)
                }
            }
            (correct, graded, failed) = counters.total
        }
        var out = results.joined(separator: "\n")
        if !out.isEmpty { out += "\n" }
        FileHandle.standardOutput.write(Data(out.utf8))
        let summary = "\(file): \(correct) of \(graded) correct (\(graded == 0 ? 0 : Int((Double(correct) / Double(graded) * 100).rounded()))%)\(failed > 0 ? ", \(failed) unreadable line(s)" : "")"
        if json { printError(summary) } else { print(summary) }
    }
}

extension Grade {
    /// The worker loop of `--serve`: one verdict line per request line, written at once.
    static func serve(_ grader: Grader) {
        while let line = readLine(strippingNewline: true) {
            let reply: JSONValue
            if let request = (try? JSONParser.parse(line))?.objectValue, let gold = request["gold"]?.scalarText,
               let response = request["response"]?.stringValue {
                let verdict = grader.grade(gold: gold, response: response)
                reply = .object(JSONObject(["correct": .bool(verdict.correct), "pred": verdict.extracted.map(JSONValue.string) ?? .null]))
            } else {
                reply = .object(JSONObject(["error": .string("expected {\"gold\": string or number, \"response\": string}")]))
            }
            FileHandle.standardOutput.write(Data((reply.serialized + "\n").utf8))
        }
    }
}

/// Per-worker totals, added under a lock.
private final class Counters: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var total = (0, 0, 0)
    func add(_ t: (Int, Int, Int)) {
        lock.lock()
        total = (total.0 + t.0, total.1 + t.1, total.2 + t.2)
        lock.unlock()
    }
}

private struct UncheckedBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}
