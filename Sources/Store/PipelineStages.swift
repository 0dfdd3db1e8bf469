/// A finished stage of `oneshot pipeline`, as the store keeps it.
public struct StageRecord: Equatable, Sendable {
    public let pipeline: String
    public let stage: String
    /// sha256 of the stage's part of the config when it ran.
    public let configHash: String
    public let finishedAt: String
    /// One line: what the stage did.
    public let summary: String
}

// The stages a pipeline finished, so that running it again skips them.
extension Store {
    /// The finished stages of `pipeline`, in the order they finished.
    public func finishedStages(pipeline: String) throws -> [StageRecord] {
        try db.rows("SELECT * FROM pipeline_stages WHERE pipeline = ? ORDER BY finished_at, stage", [.text(pipeline)]).map { row in
            StageRecord(pipeline: pipeline, stage: row["stage"].string ?? "", configHash: row["config_hash"].string ?? "",
                        finishedAt: row["finished_at"].string ?? "", summary: row["summary"].string ?? "")
        }
    }

    /// Records that `stage` of `pipeline` finished (replacing an earlier record of it).
    public func recordStage(pipeline: String, stage: String, configHash: String, summary: String) throws {
        try db.execute("INSERT OR REPLACE INTO pipeline_stages (pipeline, stage, config_hash, finished_at, summary) VALUES (?, ?, ?, ?, ?)",
                       [.text(pipeline), .text(stage), .text(configHash), .text(Store.timestamp()), .text(summary)])
    }

    /// Forgets that `stages` of `pipeline` finished, so the next run redoes them.
    public func forgetStages(pipeline: String, _ stages: [String]) throws {
        try db.transaction {
            for stage in stages { try db.execute("DELETE FROM pipeline_stages WHERE pipeline = ? AND stage = ?", [.text(pipeline), .text(stage)]) }
        }
    }

    /// Deletes the run called `name` and everything it recorded (steps, trajectories, evaluations); true if it existed.
    @discardableResult
    public func deleteRun(named name: String) throws -> Bool {
        guard try run(named: name) != nil else { return false }
        try db.execute("DELETE FROM runs WHERE name = ?", [.text(name)])
        return true
    }
}

extension Store {
    /// Deletes the dataset called `name` with its examples, source files, rejected rows and the duplicate and
    /// contamination records of its examples; true if it existed.
    @discardableResult
    public func deleteDataset(named name: String) throws -> Bool {
        guard try dataset(named: name) != nil else { return false }
        try db.execute("DELETE FROM datasets WHERE name = ?", [.text(name)])
        return true
    }
}
