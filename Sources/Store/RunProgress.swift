/// One evaluation of a policy on one benchmark: counts, from which accuracy (avg@k) and pass@k follow.
public struct EvaluationRecord: Equatable, Sendable {
    public var step: Int
    public var benchmark: String
    public var problems: Int
    public var samples: Int
    public var correct: Int
    public var solved: Int
    public var boxed: Int
    public var meanLength: Double
    public var temperature: Double
    /// Problems whose majority answer is correct (maj@k), when measured.
    public var majority: Int?
    /// Responses containing a self-reflection word (see `Grading.SelfReflection`), when measured.
    public var reflective: Int?

    public init(step: Int, benchmark: String, problems: Int, samples: Int, correct: Int, solved: Int, boxed: Int,
                meanLength: Double, temperature: Double, majority: Int? = nil, reflective: Int? = nil) {
        self.step = step
        self.benchmark = benchmark
        self.problems = problems
        self.samples = samples
        self.correct = correct
        self.solved = solved
        self.boxed = boxed
        self.meanLength = meanLength
        self.temperature = temperature
        self.majority = majority
        self.reflective = reflective
    }

    /// Correct responses over all responses: avg@k.
    public var accuracy: Double { Double(correct) / Double(max(1, problems * samples)) }
    /// Problems solved by at least one of the k samples.
    public var passRate: Double { Double(solved) / Double(max(1, problems)) }
    /// Problems whose majority answer is correct (maj@k), when measured.
    public var majorityRate: Double? { majority.map { Double($0) / Double(max(1, problems)) } }
    /// Responses with a `\boxed{}` answer, over all responses.
    public var boxedRate: Double { Double(boxed) / Double(max(1, problems * samples)) }
    /// Reflective responses over all responses, when measured.
    public var reflectionRate: Double? { reflective.map { Double($0) / Double(max(1, problems * samples)) } }
}

// A run written as it goes (probe, train): started, fed step by step, finished; cut back to its last
// checkpoint when a killed run resumes.
extension Store {
    /// Records a new run with status `running` and its examples in their order.
    @discardableResult
    public func startRun(_ run: NewRun, examples: [Int64]) throws -> RunRecord {
        try db.transaction {
            if try self.run(named: run.name) != nil {
                throw StoreError("a run named '\(run.name)' exists already; choose another --run name")
            }
            try db.execute("""
                INSERT INTO runs (name, engine, purpose, dataset_id, config, seed, status, started_at, tool_version, inputs)
                VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)
                """, [.text(run.name), .text(run.engine), .text(run.purpose.rawValue), run.datasetID.map { .integer($0) } ?? .null,
                      .text(run.config), run.seed.map { .integer($0) } ?? .null, .text(Store.timestamp()),
                      .text(ToolInfo.version), .text(run.inputs)])
            let runID = db.lastInsertRowID
            let member = try db.prepare("INSERT INTO run_examples (run_id, example_id, position) VALUES (?, ?, ?)")
            for (position, example) in examples.enumerated() { try member.run([.integer(runID), .integer(example), .int(position)]) }
            guard let stored = try self.run(named: run.name) else { throw StoreError("the run vanished while being recorded") }
            return stored
        }
    }

    /// Records one step: its metrics (a JSON object text) and the accuracy points it produced, together.
    public func recordStep(runID: Int64, step: Int, metrics: String, points: [(exampleID: Int64, point: TrajectoryPoint)]) throws {
        try db.transaction {
            try db.execute("INSERT INTO run_steps (run_id, step, metrics) VALUES (?, ?, ?)", [.integer(runID), .int(step), .text(metrics)])
            let insert = try db.prepare("INSERT INTO trajectories (run_id, example_id, epoch, step, correct, sampled) VALUES (?, ?, ?, ?, ?, ?)")
            for (example, p) in points {
                try insert.run([.integer(runID), .integer(example), .int(p.epoch), .int(p.step), .int(p.correct), .int(p.sampled)])
            }
        }
    }

    /// Records (or replaces) an evaluation of the run's policy.
    public func recordEvaluation(runID: Int64, _ e: EvaluationRecord) throws {
        try db.execute("""
            INSERT OR REPLACE INTO evaluations (run_id, step, benchmark, problems, samples, correct, solved, boxed, mean_length, temperature,
                                                majority, reflective)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(runID), .int(e.step), .text(e.benchmark), .int(e.problems), .int(e.samples), .int(e.correct),
                  .int(e.solved), .int(e.boxed), .real(e.meanLength), .real(e.temperature), .int(e.majority),
                  .int(e.reflective)])
    }

    /// The run's evaluations, by step then benchmark.
    public func evaluations(runID: Int64) throws -> [EvaluationRecord] {
        try db.rows("SELECT * FROM evaluations WHERE run_id = ? ORDER BY step, benchmark", [.integer(runID)]).map { row in
            EvaluationRecord(step: row["step"].int ?? 0, benchmark: row["benchmark"].string ?? "", problems: row["problems"].int ?? 0,
                             samples: row["samples"].int ?? 1, correct: row["correct"].int ?? 0, solved: row["solved"].int ?? 0,
                             boxed: row["boxed"].int ?? 0, meanLength: row["mean_length"].double ?? 0,
                             temperature: row["temperature"].double ?? 0, majority: row["majority"].int,
                             reflective: row["reflective"].int)
        }
    }

    /// The run's step metrics (JSON object texts), by step.
    public func stepMetrics(runID: Int64) throws -> [(step: Int, metrics: String)] {
        try db.rows("SELECT step, metrics FROM run_steps WHERE run_id = ? ORDER BY step", [.integer(runID)]).map {
            ($0["step"].int ?? 0, $0["metrics"].string ?? "{}")
        }
    }

    /// Forgets everything the run recorded after `step` (steps, accuracy points, evaluations): what a
    /// resumed run redoes from its checkpoint.
    public func rewindRun(runID: Int64, toStep step: Int) throws {
        try db.transaction {
            for table in ["run_steps", "trajectories", "evaluations"] {
                try db.execute("DELETE FROM \(table) WHERE run_id = ? AND step > ?", [.integer(runID), .int(step)])
            }
        }
    }

    /// Records where the run's job stands, and the run status that goes with it (a finished job also ends the
    /// run; a job submitted again reopens it).
    public func setJobState(runID: Int64, _ state: RunRecord.JobState) throws {
        try db.execute("UPDATE runs SET job_state = ?, status = ?, ended_at = ? WHERE id = ?",
                       [.text(state.rawValue), .text(state.status.rawValue), state.isFinished ? .text(Store.timestamp()) : .null,
                        .integer(runID)])
    }

    /// Marks the run done or failed.
    public func finishRun(runID: Int64, status: RunRecord.Status) throws {
        try db.execute("UPDATE runs SET status = ?, ended_at = ? WHERE id = ?", [.text(status.rawValue), .text(Store.timestamp()), .integer(runID)])
    }
}

// A run read back from files that grow (verl's dumps and logs): everything read so far replaces what the
// store held, so reading again adds nothing twice.
extension Store {
    /// Replaces the run's step metrics and accuracy points with these, in one transaction.
    public func replaceRunRecords(runID: Int64, steps: [(step: Int, metrics: String)], points: [(exampleID: Int64, point: TrajectoryPoint)]) throws {
        try db.transaction {
            try db.execute("DELETE FROM run_steps WHERE run_id = ?", [.integer(runID)])
            try db.execute("DELETE FROM trajectories WHERE run_id = ?", [.integer(runID)])
            let step = try db.prepare("INSERT INTO run_steps (run_id, step, metrics) VALUES (?, ?, ?)")
            for s in steps { try step.run([.integer(runID), .int(s.step), .text(s.metrics)]) }
            let insert = try db.prepare("INSERT INTO trajectories (run_id, example_id, epoch, step, correct, sampled) VALUES (?, ?, ?, ?, ?, ?)")
            for (example, p) in points {
                try insert.run([.integer(runID), .integer(example), .int(p.epoch), .int(p.step), .int(p.correct), .int(p.sampled)])
            }
        }
    }

    /// The example ids of a run, in their order.
    public func runExamples(runID: Int64) throws -> [Int64] {
        try db.rows("SELECT example_id FROM run_examples WHERE run_id = ? ORDER BY position", [.integer(runID)]).compactMap { $0["example_id"].int.map(Int64.init) }
    }
}
