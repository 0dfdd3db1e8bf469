/// A named collection of examples: a training pool or a benchmark.
public struct DatasetRecord: Equatable, Sendable {
    public enum Role: String, Sendable { case train, benchmark }
    public let id: Int64
    public let name: String
    public let role: Role
}

/// One imported file and what became of its rows.
public struct SourceFileRecord: Equatable, Sendable {
    public let id: Int64
    public let datasetID: Int64
    public let path: String
    public let format: String
    public let schema: String
    public let sha256: String
    public let bytes: Int
    public let rowCount: Int
    public let rejected: Int
    public let skipped: Int
    public let importedAt: String
    public let toolVersion: String
}

extension Store {
    /// The dataset called `name`, if it exists.
    public func dataset(named name: String) throws -> DatasetRecord? {
        try db.rows("SELECT id, name, role FROM datasets WHERE name = ?", [.text(name)]).first.map(DatasetRecord.init(row:))
    }

    /// The dataset with `id`.
    public func dataset(id: Int64) throws -> DatasetRecord? {
        try db.rows("SELECT id, name, role FROM datasets WHERE id = ?", [.integer(id)]).first.map(DatasetRecord.init(row:))
    }

    /// All datasets, in creation order.
    public func datasets() throws -> [DatasetRecord] {
        try db.rows("SELECT id, name, role FROM datasets ORDER BY id").map(DatasetRecord.init(row:))
    }

    /// The dataset called `name`, created with `role` if it does not exist yet.
    public func datasetCreatingIfNeeded(named name: String, role: DatasetRecord.Role) throws -> DatasetRecord {
        if let existing = try dataset(named: name) { return existing }
        try db.execute("INSERT INTO datasets (name, role, created_at) VALUES (?, ?, ?)",
                       [.text(name), .text(role.rawValue), .text(Store.timestamp())])
        return DatasetRecord(id: db.lastInsertRowID, name: name, role: role)
    }

    /// The file of dataset `datasetID` whose content hashes to `sha256`, if it was imported already.
    public func sourceFile(datasetID: Int64, sha256: String) throws -> SourceFileRecord? {
        try db.rows("SELECT * FROM source_files WHERE dataset_id = ? AND sha256 = ?",
                    [.integer(datasetID), .text(sha256)]).first.map(SourceFileRecord.init(row:))
    }

    /// The files imported into dataset `datasetID`, in import order.
    public func sourceFiles(datasetID: Int64) throws -> [SourceFileRecord] {
        try db.rows("SELECT * FROM source_files WHERE dataset_id = ? ORDER BY id", [.integer(datasetID)])
            .map(SourceFileRecord.init(row:))
    }

    /// Resolves dataset names, failing with the list of known names when one is unknown.
    public func datasets(named names: [String]) throws -> [DatasetRecord] {
        try names.map { name in
            guard let found = try dataset(named: name) else {
                let known = try datasets().map(\.name).joined(separator: ", ")
                throw StoreError("no dataset named '\(name)' in \(db.path) (datasets: \(known.isEmpty ? "none" : known))")
            }
            return found
        }
    }
}

extension DatasetRecord {
    init(row: Row) {
        id = row["id"].int.map(Int64.init) ?? 0
        name = row["name"].string ?? ""
        role = Role(rawValue: row["role"].string ?? "") ?? .train
    }
}

extension SourceFileRecord {
    init(row: Row) {
        id = Int64(row["id"].int ?? 0)
        datasetID = Int64(row["dataset_id"].int ?? 0)
        path = row["path"].string ?? ""
        format = row["format"].string ?? ""
        schema = row["schema"].string ?? ""
        sha256 = row["sha256"].string ?? ""
        bytes = row["bytes"].int ?? 0
        rowCount = row["row_count"].int ?? 0
        rejected = row["rejected"].int ?? 0
        skipped = row["skipped"].int ?? 0
        importedAt = row["imported_at"].string ?? ""
        toolVersion = row["tool_version"].string ?? ""
    }
}
