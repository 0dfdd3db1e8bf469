import ArgumentParser
import Foundation
import Grading
import JSON
import Selection
import Store

extension GenerationFormat: ExpressibleByArgument {}

/// `oneshot eval import`: generations made elsewhere (vLLM, verl validation dumps, Qwen2.5-Eval outputs),
/// re-graded with our grader and stored as evaluations, beside the built-in engine's.
struct EvalImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import generations made elsewhere, re-grade them with our grader, and store them as a run's evaluations.",
        discussion: """
            Formats: jsonl (a gold answer and one or more responses per line), verl-validation (a folder of \
            {step}.jsonl from trainer.validation_data_dir, or one file), qwen-eval (Qwen2.5-Eval output: gt and the \
            `code` samples). Every response is graded again by our grader (a file's own score is ignored), so every \
            engine's numbers share one reward definition. Per benchmark and step: accuracy (avg@k), pass@k, maj@k, \
            boxed and self-reflection rates, mean length in characters. Importing again replaces the same \
            (run, step, benchmark) rows: nothing is counted twice. Lines that cannot be read are reported with file, \
            line and field, and kept in the quarantine folder beside the store.
            """)

    @OptionGroup var options: StoreOptions

    @Argument(help: "Generation files (or, for verl-validation, a folder of {step}.jsonl).")
    var files: [String]

    @Option(name: .customLong("run"), help: "The run the evaluations belong to (created when new).")
    var runName: String

    @Option(help: "The benchmark of lines that do not name one (data_source, ex_source or benchmark).")
    var benchmark: String?

    @Option(help: "jsonl, verl-validation or qwen-eval.")
    var format: GenerationFormat = .jsonl

    @Option(help: "The training step of lines that do not give one (default 0).")
    var step: Int?

    @Option(help: "Read the gold answer from this field instead of the format's.")
    var goldField: String?

    @Option(help: "The sampling temperature of the generations (recorded with the numbers).")
    var temperature: Double = 0

    @Flag(help: "Count only boxed answers as correct (the training reward's rule); by default answers are also read from 'the answer is X' and similar.")
    var requireBox = false

    mutating func run() throws {
        let store = try options.open()
        let reader = GenerationReader(format: format, goldField: goldField)
        var problems: [GeneratedProblem] = [], rejected: [RejectedGeneration] = [], hashes = JSONObject()
        for file in files {
            let read: GenerationRead
            do { read = try reader.read(file) } catch let error as TrajectoryError { throw ValidationError(error.message) }
            problems += read.problems
            rejected += read.rejected
            for f in read.files { hashes[URL(fileURLWithPath: f.path).standardizedFileURL.path] = .string(f.sha256) }
        }
        try quarantine(rejected)
        let groups = try GenerationGroup.grouping(problems, benchmark: { problem in
            guard let name = benchmark ?? problem.benchmark else {
                throw ValidationError("a line names no benchmark (no data_source, ex_source or benchmark field): pass --benchmark NAME")
            }
            return name
        }, step: { step ?? $0.step ?? 0 })
        let grader = Grader(requireBox: requireBox)
        let records = try groups.map { group in
            guard let record = group.evaluation(grader: grader, temperature: temperature) else {
                let counts = group.problems.map(\.responses.count)
                throw ValidationError("benchmark '\(group.benchmark)' step \(group.step): problems have between \(counts.min()!) and \(counts.max()!) responses; avg@k needs the same k for every problem")
            }
            return record
        }
        let target: RunRecord
        if let existing = try store.run(named: runName) {
            target = existing
        } else {
            let config = JSONObject(["format": .string(format.rawValue), "require_box": .bool(requireBox),
                                     "gold_field": goldField.map { .string($0) } ?? .null, "temperature": .double(temperature),
                                     "length_unit": .string("characters")])
            target = try store.startRun(NewRun(name: runName, engine: "import", purpose: .eval, datasetID: nil, config: JSONValue.object(config).serialized,
                                               seed: nil, inputs: JSONValue.object(hashes).serialized), examples: [])
            try store.finishRun(runID: target.id, status: .done)
        }
        for record in records { try store.recordEvaluation(runID: target.id, record) }
        report(records, rejected: rejected, run: target.name)
    }

    /// Rejected lines to the quarantine folder (one file per source file), and the first few to stderr.
    private func quarantine(_ rejected: [RejectedGeneration]) throws {
        guard !rejected.isEmpty else { return }
        let directory = Quarantine(storePath: options.path).directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (path, lines) in Dictionary(grouping: rejected, by: \.path) {
            let name = "eval-import.\((path as NSString).lastPathComponent).rejected"
            let text = lines.map { $0.raw.replacingOccurrences(of: "\n", with: " ") + "\n" }.joined()
            try Data(text.utf8).write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(name)))
        }
        for r in rejected.prefix(10) { printError("\(r.path):\(r.line): \(r.reason)") }
        if rejected.count > 10 { printError("... and \(rejected.count - 10) more") }
        printError("\(rejected.count) line(s) rejected, kept in \(directory)")
    }

    private func report(_ records: [EvaluationRecord], rejected: [RejectedGeneration], run: String) {
        if options.json {
            printJSON(.object(JSONObject([
                "run": .string(run), "rejected": .int(Int64(rejected.count)),
                "evaluations": .array(records.map { r in
                    .object(JSONObject(["benchmark": .string(r.benchmark), "step": .int(Int64(r.step)), "problems": .int(Int64(r.problems)),
                                        "samples": .int(Int64(r.samples)), "accuracy": .double(r.accuracy), "pass_at_k": .double(r.passRate),
                                        "maj_at_k": .double(r.majorityRate ?? 0), "reflection_rate": .double(r.reflectionRate ?? 0),
                                        "mean_length": .double(r.meanLength)]))
                })])))
            return
        }
        print("run '\(run)': \(records.count) evaluation(s) stored, \(rejected.count) line(s) rejected")
        print("benchmark        step  problems   k  accuracy  pass@k   maj@k  reflect  length")
        for r in records {
            print(r.benchmark.padding(toLength: 16, withPad: " ", startingAt: 0)
                  + String(format: "%5d  %8d  %2d  %7.1f%%  %5.1f%%  %5.1f%%  %6.1f%%  %6.0f", r.step, r.problems, r.samples, 100 * r.accuracy,
                           100 * r.passRate, 100 * (r.majorityRate ?? 0), 100 * (r.reflectionRate ?? 0), r.meanLength))
        }
    }
}
