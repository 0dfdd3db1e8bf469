/// A probe, training or evaluation run, or histories imported from elsewhere.
public struct RunRecord: Equatable, Sendable {
    public enum Purpose: String, Sendable { case probe, train, eval }
    public enum Status: String, Sendable { case running, done, failed }

    public let id: Int64
    public let name: String
    public let engine: String
    public let purpose: Purpose
    public let datasetID: Int64?
    /// The run's configuration, as a JSON object text.
    public let config: String
    public let seed: Int64?
    public let status: Status
    public let startedAt: String
    public let endedAt: String?
    public let toolVersion: String
    /// The run's input files and their sha256, as a JSON object text.
    public let inputs: String
    /// Where a run sent to an external job system stands (verl runs); nil for runs this tool carried out itself.
    public let jobState: JobState?

    /// The lifecycle of a run sent to verl: prepared (folder written), submitted (the job system took it),
    /// running, then one of succeeded, failed, stopped (by `oneshot stop` or a signal) and lost (the job system
    /// no longer knows the job).
    public enum JobState: String, Sendable, CaseIterable {
        case prepared, submitted, running, succeeded, failed, stopped, lost

        /// Whether the job has ended.
        public var isFinished: Bool { [.succeeded, .failed, .stopped, .lost].contains(self) }

        /// The run's status that goes with the job's state.
        public var status: Status {
            switch self {
            case .prepared, .submitted, .running: return .running
            case .succeeded: return .done
            case .failed, .stopped, .lost: return .failed
            }
        }
    }

    /// The state to show: the job's where there is one, else the run's own status.
    public var shownState: String { jobState?.rawValue ?? status.rawValue }
}

/// One point of an accuracy history: how many of the sampled responses were correct.
public struct TrajectoryPoint: Equatable, Sendable {
    public let epoch: Int
    public let step: Int?
    public let correct: Int
    public let sampled: Int

    public init(epoch: Int, step: Int? = nil, correct: Int, sampled: Int) {
        self.epoch = epoch
        self.step = step
        self.correct = correct
        self.sampled = sampled
    }

    /// correct / sampled.
    public var accuracy: Double { Double(correct) / Double(sampled) }
}

/// An example's accuracy history in a run, with the example's place in the run's source order.
public struct StoredHistory: Equatable, Sendable {
    public let exampleID: Int64
    public let position: Int
    public let points: [TrajectoryPoint]

    public init(exampleID: Int64, position: Int, points: [TrajectoryPoint]) {
        self.exampleID = exampleID
        self.position = position
        self.points = points
    }
}

/// What to record about a new run.
public struct NewRun: Sendable {
    public var name: String
    public var engine: String
    public var purpose: RunRecord.Purpose
    public var datasetID: Int64?
    public var config: String
    public var seed: Int64?
    public var inputs: String

    public init(name: String, engine: String, purpose: RunRecord.Purpose, datasetID: Int64?, config: String = "{}",
                seed: Int64? = nil, inputs: String = "{}") {
        self.name = name
        self.engine = engine
        self.purpose = purpose
        self.datasetID = datasetID
        self.config = config
        self.seed = seed
        self.inputs = inputs
    }
}

extension Store {
    /// The run called `name`, if any.
    public func run(named name: String) throws -> RunRecord? {
        try db.rows("SELECT * FROM runs WHERE name = ?", [.text(name)]).first.map(RunRecord.init(row:))
    }

    /// All runs, oldest first.
    public func runs() throws -> [RunRecord] {
        try db.rows("SELECT * FROM runs ORDER BY id").map(RunRecord.init(row:))
    }

    /// The run called `name`, failing with the list of known runs when there is none.
    public func requireRun(named name: String) throws -> RunRecord {
        if let run = try run(named: name) { return run }
        let known = try runs().map(\.name)
        throw StoreError("no run named '\(name)' in \(db.path) (runs: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
    }

    /// Records a finished run and its histories in one transaction: all of it or nothing.
    @discardableResult
    public func recordRun(_ run: NewRun, histories: [StoredHistory]) throws -> RunRecord {
        try db.transaction {
            if try self.run(named: run.name) != nil {
                throw StoreError("a run named '\(run.name)' exists already; choose another --run name")
            }
            let now = Store.timestamp()
            try db.execute("""
                INSERT INTO runs (name, engine, purpose, dataset_id, config, seed, status, started_at, ended_at, tool_version, inputs)
                VALUES (?, ?, ?, ?, ?, ?, 'done', ?, ?, ?, ?)
                """, [.text(run.name), .text(run.engine), .text(run.purpose.rawValue), run.datasetID.map { .integer($0) } ?? .null,
                      .text(run.config), run.seed.map { .integer($0) } ?? .null, .text(now), .text(now),
                      .text(ToolInfo.version), .text(run.inputs)])
            let runID = db.lastInsertRowID
            let member = try db.prepare("INSERT INTO run_examples (run_id, example_id, position) VALUES (?, ?, ?)")
            let point = try db.prepare("INSERT INTO trajectories (run_id, example_id, epoch, step, correct, sampled) VALUES (?, ?, ?, ?, ?, ?)")
            for history in histories {
                try member.run([.integer(runID), .integer(history.exampleID), .int(history.position)])
                for p in history.points {
                    try point.run([.integer(runID), .integer(history.exampleID), .int(p.epoch), .int(p.step),
                                   .int(p.correct), .int(p.sampled)])
                }
            }
            guard let stored = try self.run(named: run.name) else { throw StoreError("the run vanished while being recorded") }
            return stored
        }
    }

    /// The histories of a run, in its source order, each in epoch order.
    public func histories(runID: Int64) throws -> [StoredHistory] {
        var byExample: [Int64: (position: Int, points: [TrajectoryPoint])] = [:]
        try db.prepare("SELECT example_id, position FROM run_examples WHERE run_id = ?").forEach([.integer(runID)]) { s in
            if case .integer(let id) = s.value(at: 0) { byExample[id] = (s.value(at: 1).int ?? 0, []) }
        }
        try db.prepare("SELECT example_id, epoch, step, correct, sampled FROM trajectories WHERE run_id = ? ORDER BY example_id, epoch")
            .forEach([.integer(runID)]) { s in
                guard case .integer(let id) = s.value(at: 0) else { return }
                byExample[id]?.points.append(TrajectoryPoint(epoch: s.value(at: 1).int ?? 0, step: s.value(at: 2).int,
                                                             correct: s.value(at: 3).int ?? 0, sampled: s.value(at: 4).int ?? 1))
            }
        return byExample.map { StoredHistory(exampleID: $0.key, position: $0.value.position, points: $0.value.points) }
            .sorted { $0.position < $1.position }
    }
}

extension RunRecord {
    init(row: Row) {
        id = Int64(row["id"].int ?? 0)
        name = row["name"].string ?? ""
        engine = row["engine"].string ?? ""
        purpose = Purpose(rawValue: row["purpose"].string ?? "") ?? .probe
        datasetID = row["dataset_id"].int.map(Int64.init)
        config = row["config"].string ?? "{}"
        seed = row["seed"].int.map(Int64.init)
        status = Status(rawValue: row["status"].string ?? "") ?? .failed
        startedAt = row["started_at"].string ?? ""
        endedAt = row["ended_at"].string
        toolVersion = row["tool_version"].string ?? ""
        inputs = row["inputs"].string ?? "{}"
        jobState = row["job_state"].string.flatMap(JobState.init(rawValue:))
    }
}
