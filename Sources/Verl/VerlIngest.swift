import Foundation
import Grading
import JSON
import Parquet
import Selection
import Store

/// Reads a verl run folder (written by `oneshot launch`) back into the store: rollout dumps -> each example's
/// accuracy per step (the trajectories `rank` reads); the file logger (else the console log, else the Ray
/// driver's log that `oneshot follow` saves) -> metrics per step; validation dumps -> evaluations per step and
/// benchmark. Everything read replaces what the store held for the run, so ingesting again adds nothing twice,
/// and a file still being written is read up to its last complete line.
public struct VerlIngest {
    public struct Summary: Sendable {
        public var steps = 0
        public var lastStep = 0
        public var points = 0
        public var unknownExamples: Set<String> = []
        public var evaluations = 0
        public var rejectedValidationLines = 0
        /// Rollout lines that could not be read (quarantined in RUN_DIR/quarantine/rollouts.jsonl); the first.
        public var rejectedRolloutLines = 0
        public var firstRejection: String?
        /// Rollout lines identified by their prompt (the V1 trainer's dumps), and those credited to several
        /// examples sharing prompt and answer.
        public var matchedByPrompt = 0
        public var sharedLines = 0
        public var metricsSource = "none"
        public var finished = false
    }

    public let store: Store
    public let directory: String

    public init(store: Store, directory: String) {
        self.store = store
        self.directory = directory
    }

    /// The manifest `oneshot launch` wrote.
    public func manifest() throws -> JSONObject {
        let path = directory + "/manifest.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VerlReadError("\(path): no manifest (is \(directory) a run folder written by `oneshot launch`?)")
        }
        guard let object = (try? JSONParser.parse(String(decoding: data, as: UTF8.self)))?.objectValue else {
            throw VerlReadError("\(path): not a JSON object")
        }
        return object
    }

    public func run() throws -> Summary {
        let manifest = try manifest()
        guard let name = manifest["run"]?.stringValue else { throw VerlReadError("\(directory)/manifest.json: field 'run' missing") }
        let run = try store.requireRun(named: name)
        var summary = Summary()

        // Accuracy per example per step, keyed in the dumps by the row's extra_info.index.
        var exampleByIndex: [String: Int64] = [:]
        for id in try store.runExamples(runID: run.id) {
            if let e = try store.example(id: id) { exampleByIndex[e.sourceIndex ?? String(id)] = id }
        }
        var points: [(exampleID: Int64, point: TrajectoryPoint)] = []
        let read = try histories()
        summary.rejectedRolloutLines = read.rejected.count
        summary.firstRejection = read.rejected.first?.message
        summary.matchedByPrompt = read.matchedByPrompt
        summary.sharedLines = read.sharedLines
        try quarantine(read.rejected, as: "rollouts.jsonl")
        for history in read.histories {
            guard let id = exampleByIndex[history.sourceIndex] else { summary.unknownExamples.insert(history.sourceIndex); continue }
            points += history.points.map { (id, $0) }
        }
        summary.points = points.count

        // Metrics per step.
        let logs = directory + "/logs"
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: logs)) ?? [])
            .filter { $0.hasPrefix("metrics") && $0.hasSuffix(".jsonl") }.sorted().map { logs + "/" + $0 }
        var raw: [Int: [String: Double]] = [:]
        if !files.isEmpty {
            raw = try VerlMetrics.readFileLogs(files)
            summary.metricsSource = "file logger"
        } else if let console = ["console.log", "ray-job.log"].map({ logs + "/" + $0 }).first(where: FileManager.default.fileExists(atPath:)) {
            raw = try VerlMetrics.readConsole(console)
            summary.metricsSource = "console log"
        }
        let steps = raw.keys.sorted().filter { $0 > 0 }.map { step in (step, JSONValue.object(VerlMetrics.canonical(raw[step]!)).serialized) }
        try store.replaceRunRecords(runID: run.id, steps: steps, points: points)
        summary.steps = steps.count
        summary.lastStep = max(raw.keys.max() ?? 0, points.compactMap(\.point.step).max() ?? 0)

        // Evaluations: the validation dumps, else the validation means of the metrics.
        let validation = directory + "/validation"
        if let files = try? TrajectoryReader.stepFiles(in: validation), !files.isEmpty {
            let read = try GenerationReader(format: .verlValidation).read(validation)
            summary.rejectedValidationLines = read.rejected.count
            let groups = GenerationGroup.grouping(read.problems, benchmark: { $0.benchmark ?? "validation" }, step: { $0.step ?? 0 })
            for group in groups {
                guard let record = group.evaluation(grader: Grader(requireBox: true), temperature: 0) else { continue }
                try store.recordEvaluation(runID: run.id, record)
                summary.evaluations += 1
            }
        } else {
            let sizes = validationSizes(manifest)
            for step in raw.keys.sorted() {
                for (source, k, mean) in VerlMetrics.validationMeans(raw[step]!) {
                    guard let problems = sizes[source] else { continue }
                    let correct = Int((mean * Double(problems * k)).rounded())
                    try store.recordEvaluation(runID: run.id, EvaluationRecord(step: step, benchmark: source, problems: problems, samples: k,
                                                                               correct: correct, solved: correct, boxed: 0, meanLength: 0, temperature: 0))
                    summary.evaluations += 1
                }
            }
        }
        if let total = totalSteps(manifest), summary.lastStep >= total {
            // A run with a job ends when its job does (follow records it); one run by hand ends with its last step.
            if run.jobState == nil { try store.finishRun(runID: run.id, status: .done) }
            if run.jobState == .prepared { try store.setJobState(runID: run.id, .succeeded) }
            summary.finished = true
        }
        return summary
    }

    /// The rollout dumps' histories (lines without ex_index identified from the run's own train.parquet),
    /// else a fork run's latest acc_step_N_*.json under checkpoints/.
    func histories() throws -> RolloutRead {
        let rollouts = directory + "/rollouts"
        if let files = try? TrajectoryReader.stepFiles(in: rollouts), !files.isEmpty {
            do { return try TrajectoryReader.readRollouts(rollouts, identity: try trainingIdentity()) } catch let e as TrajectoryError {
                throw VerlReadError(e.message)
            }
        }
        let enumerator = FileManager.default.enumerator(atPath: directory + "/checkpoints")
        var latest: (step: Int, path: String)?
        while let path = enumerator?.nextObject() as? String {
            let name = (path as NSString).lastPathComponent
            guard name.hasPrefix("acc_step_"), !name.hasPrefix("acc_step_with"), name.hasSuffix(".json"),
                  let step = Int(name.dropFirst(9).prefix { $0.isNumber }) else { continue }
            if step > (latest?.step ?? -1) { latest = (step, directory + "/checkpoints/" + path) }
        }
        guard let latest else { return RolloutRead() }
        do { return RolloutRead(histories: try TrajectoryReader.read(latest.path, format: .oneShotRLVR)) } catch let e as TrajectoryError {
            throw VerlReadError(e.message)
        }
    }

    /// The training rows launch wrote (data/train.parquet): what the V1 trainer's dump lines are matched to.
    func trainingIdentity() throws -> RolloutIdentity? {
        let path = directory + "/data/train.parquet"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var rows: [(index: String, prompt: String, gold: String)] = []
        do {
            try ParquetFile(path: path).forEachRow { row in
                guard let index = row["extra_info"]?["index"]?.scalarText,
                      let prompt = row["prompt"]?.arrayValue?.last?["content"]?.stringValue else { return }
                rows.append((index, prompt, row["reward_model"]?["ground_truth"]?.scalarText ?? ""))
            }
        } catch { throw VerlReadError("\(path): \(error)") }
        return RolloutIdentity(rows: rows)
    }

    /// Writes the lines ingest could not read to RUN_DIR/quarantine/NAME (one JSON object each: file, line,
    /// reason, raw), replacing what an earlier ingest wrote there; removes the file when nothing is rejected.
    func quarantine(_ rejected: [RejectedRollout], as name: String) throws {
        let path = directory + "/quarantine/" + name
        guard !rejected.isEmpty else {
            try? FileManager.default.removeItem(atPath: path)
            return
        }
        try FileManager.default.createDirectory(atPath: directory + "/quarantine", withIntermediateDirectories: true)
        let text = rejected.map { r in
            JSONValue.object(JSONObject(["file": .string(r.path), "line": .int(Int64(r.line)), "reason": .string(r.reason),
                                         "raw": .string(r.raw)])).serialized + "\n"
        }.joined()
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw VerlReadError("\(path): cannot write the quarantine (\(error.localizedDescription))")
        }
    }

    /// Rows per data source in the run's validation file (counted from the manifest's record of it).
    func validationSizes(_ manifest: JSONObject) -> [String: Int] {
        var sizes: [String: Int] = [:]
        for entry in manifest["validation_sizes"]?.objectValue.map({ zip($0.keys, $0.values).map { ($0, $1) } }) ?? [] {
            if let n = entry.1.numberValue { sizes[entry.0] = Int(n) }
        }
        return sizes
    }

    /// The run's length: trainer.total_training_steps, else total_epochs × batches per epoch.
    func totalSteps(_ manifest: JSONObject) -> Int? {
        var values: [String: String] = [:]
        for o in manifest["overrides"]?.arrayValue ?? [] {
            guard let text = o.stringValue, let eq = text.firstIndex(of: "=") else { continue }
            values[String(text[..<eq])] = String(text[text.index(after: eq)...])
        }
        if let steps = values["trainer.total_training_steps"].flatMap(Int.init) { return steps }
        guard let epochs = values["trainer.total_epochs"].flatMap(Int.init), let batch = values["data.train_batch_size"].flatMap(Int.init),
              let rows = manifest["train_rows"]?.numberValue else { return nil }
        return epochs * max(1, Int(rows) / batch)
    }
}
