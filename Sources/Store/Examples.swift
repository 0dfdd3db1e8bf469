/// An example ready to be stored: what a reader made of one source row.
public struct ExampleDraft: Equatable, Sendable {
    public var position: Int
    public var line: Int
    public var sourceIndex: String?
    public var problem: String
    public var answer: String?
    public var solution: String?
    /// The source row's other fields, as a JSON object text.
    public var metadata: String
    public var normHash: String

    public init(position: Int, line: Int, sourceIndex: String?, problem: String, answer: String?,
                solution: String?, metadata: String = "{}", normHash: String) {
        self.position = position
        self.line = line
        self.sourceIndex = sourceIndex
        self.problem = problem
        self.answer = answer
        self.solution = solution
        self.metadata = metadata
        self.normHash = normHash
    }
}

/// A stored example.
public struct ExampleRecord: Equatable, Sendable {
    public let id: Int64
    public let datasetID: Int64
    public let datasetName: String
    public let position: Int
    public let line: Int
    public let sourceIndex: String?
    public let problem: String
    public let answer: String?
    public let solution: String?
    public let metadata: String
    public let normHash: String
}

/// A row that could not be imported, with the reason and its raw bytes.
public struct RejectedRow: Equatable, Sendable {
    public var line: Int
    public var field: String?
    public var reason: String
    public var raw: [UInt8]

    public init(line: Int, field: String?, reason: String, raw: [UInt8]) {
        self.line = line
        self.field = field
        self.reason = reason
        self.raw = raw
    }
}

/// What the import of one file wrote.
public struct FileImportCounts: Equatable, Sendable {
    public var imported = 0
    public var rejected = 0
    public var skipped = 0
    public init() {}
}

/// Writes one file's examples and rejects inside the import's transaction.
public final class FileImportWriter {
    let datasetID: Int64
    let fileID: Int64
    let insertExample: Statement
    let insertReject: Statement
    public internal(set) var counts = FileImportCounts()

    init(store: Store, datasetID: Int64, fileID: Int64) throws {
        self.datasetID = datasetID
        self.fileID = fileID
        insertExample = try store.db.prepare("""
            INSERT INTO examples (dataset_id, file_id, position, line, source_index, problem, answer, solution, metadata, norm_hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertReject = try store.db.prepare(
            "INSERT INTO rejected_rows (dataset_id, file_id, line, field, reason, raw) VALUES (?, ?, ?, ?, ?, ?)")
    }

    /// Stores an accepted example.
    public func add(_ example: ExampleDraft) throws {
        try insertExample.run([
            .integer(datasetID), .integer(fileID), .int(example.position), .int(example.line),
            .text(example.sourceIndex), .text(example.problem), .text(example.answer), .text(example.solution),
            .text(example.metadata), .text(example.normHash),
        ])
        counts.imported += 1
    }

    /// Stores a rejected row verbatim.
    public func reject(_ row: RejectedRow) throws {
        try insertReject.run([.integer(datasetID), .integer(fileID), .int(row.line), .text(row.field),
                              .text(row.reason), .blob(row.raw)])
        counts.rejected += 1
    }

    /// Counts a row that was deliberately passed over (not an error: e.g. a post that is no question).
    public func skip() { counts.skipped += 1 }
}

/// Facts about a file, recorded with its import.
public struct SourceFileInfo: Sendable {
    public var path: String
    public var format: String
    public var schema: String
    public var sha256: String
    public var bytes: Int

    public init(path: String, format: String, schema: String, sha256: String, bytes: Int) {
        self.path = path
        self.format = format
        self.schema = schema
        self.sha256 = sha256
        self.bytes = bytes
    }
}

extension Store {
    /// Imports one file in one transaction: `body` adds its examples and rejects through the writer;
    /// if it throws, nothing of the file is kept.
    public func importFile(into dataset: DatasetRecord, file: SourceFileInfo,
                           _ body: (FileImportWriter) throws -> Void) throws -> FileImportCounts {
        try db.transaction {
            try db.execute("""
                INSERT INTO source_files (dataset_id, path, format, schema, sha256, bytes, row_count, rejected, skipped, imported_at, tool_version)
                VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?)
                """, [.integer(dataset.id), .text(file.path), .text(file.format), .text(file.schema), .text(file.sha256),
                      .int(file.bytes), .text(Store.timestamp()), .text(ToolInfo.version)])
            let fileID = db.lastInsertRowID
            let writer = try FileImportWriter(store: self, datasetID: dataset.id, fileID: fileID)
            try body(writer)
            try db.execute("UPDATE source_files SET row_count = ?, rejected = ?, skipped = ?, schema = ? WHERE id = ?",
                           [.int(writer.counts.imported), .int(writer.counts.rejected), .int(writer.counts.skipped),
                            .text(file.schema), .integer(fileID)])
            return writer.counts
        }
    }

    static let exampleColumns = """
        e.id, e.dataset_id, d.name AS dataset_name, e.position, e.line, e.source_index, e.problem, e.answer,
        e.solution, e.metadata, e.norm_hash
        """

    /// The example with `id`.
    public func example(id: Int64) throws -> ExampleRecord? {
        try db.rows("SELECT \(Store.exampleColumns) FROM examples e JOIN datasets d ON d.id = e.dataset_id WHERE e.id = ?",
                    [.integer(id)]).first.map(ExampleRecord.init(row:))
    }

    /// Calls `body` on every example of the given datasets, in dataset then source order.
    public func forEachExample(datasetIDs: [Int64], _ body: (ExampleRecord) throws -> Void) throws {
        let placeholders = Array(repeating: "?", count: datasetIDs.count).joined(separator: ",")
        let statement = try db.prepare("""
            SELECT \(Store.exampleColumns) FROM examples e JOIN datasets d ON d.id = e.dataset_id
            WHERE e.dataset_id IN (\(placeholders)) ORDER BY e.dataset_id, e.file_id, e.position
            """)
        let names = statement.columnNames
        try statement.forEach(datasetIDs.map { .integer($0) }) { s in
            try body(ExampleRecord(row: Row(columns: names, values: (0..<names.count).map(s.value(at:)))))
        }
    }

    /// Calls `body` with the id and problem text of every example of the datasets, in id order.
    public func forEachProblem(datasetIDs: [Int64], _ body: (Int64, String) throws -> Void) throws {
        let placeholders = Array(repeating: "?", count: datasetIDs.count).joined(separator: ",")
        try db.prepare("SELECT id, problem FROM examples WHERE dataset_id IN (\(placeholders)) ORDER BY id")
            .forEach(datasetIDs.map { .integer($0) }) { s in
                guard case .integer(let id) = s.value(at: 0) else { return }
                try body(id, s.value(at: 1).string ?? "")
            }
    }

    /// Where each clustered example comes from: dataset name, source index and position.
    public func clusteredExampleLabels() throws -> [Int64: (dataset: String, sourceIndex: String?, position: Int)] {
        var labels: [Int64: (dataset: String, sourceIndex: String?, position: Int)] = [:]
        try db.prepare("""
            SELECT e.id, d.name, e.source_index, e.position FROM cluster_members m
            JOIN examples e ON e.id = m.example_id JOIN datasets d ON d.id = e.dataset_id
            """).forEach { s in
            guard case .integer(let id) = s.value(at: 0) else { return }
            labels[id] = (s.value(at: 1).string ?? "", s.value(at: 2).string, s.value(at: 3).int ?? 0)
        }
        return labels
    }

    /// Every example of the given datasets, in dataset then source order.
    public func examples(datasetIDs: [Int64]) throws -> [ExampleRecord] {
        var result: [ExampleRecord] = []
        try forEachExample(datasetIDs: datasetIDs) { result.append($0) }
        return result
    }

    /// The rejected rows of a dataset (all datasets when nil), oldest first.
    public func rejectedRows(datasetID: Int64?) throws -> [(dataset: String, path: String, row: RejectedRow)] {
        let rows = try db.rows("""
            SELECT d.name, f.path, r.line, r.field, r.reason, r.raw FROM rejected_rows r
            JOIN datasets d ON d.id = r.dataset_id JOIN source_files f ON f.id = r.file_id
            WHERE ? IS NULL OR r.dataset_id = ? ORDER BY r.id
            """, [datasetID.map { .integer($0) } ?? .null, datasetID.map { .integer($0) } ?? .null])
        return rows.map { row in
            var raw: [UInt8] = []
            if case .blob(let bytes) = row["raw"] { raw = bytes }
            return (row["name"].string ?? "", row["path"].string ?? "",
                    RejectedRow(line: row["line"].int ?? 0, field: row["field"].string,
                                reason: row["reason"].string ?? "", raw: raw))
        }
    }
}

extension ExampleRecord {
    init(row: Row) {
        id = Int64(row["id"].int ?? 0)
        datasetID = Int64(row["dataset_id"].int ?? 0)
        datasetName = row["dataset_name"].string ?? ""
        position = row["position"].int ?? 0
        line = row["line"].int ?? 0
        sourceIndex = row["source_index"].string
        problem = row["problem"].string ?? ""
        answer = row["answer"].string
        solution = row["solution"].string
        metadata = row["metadata"].string ?? "{}"
        normHash = row["norm_hash"].string ?? ""
    }
}

extension Store {
    /// The examples of a dataset by source index. Fails when one index names several examples (the
    /// same file imported twice under different content, say): a history could not be attributed.
    public func examplesBySourceIndex(datasetID: Int64) throws -> [String: Int64] {
        var map: [String: Int64] = [:]
        var clash: String?
        try db.prepare("SELECT id, source_index FROM examples WHERE dataset_id = ? AND source_index IS NOT NULL")
            .forEach([.integer(datasetID)]) { s in
                guard case .integer(let id) = s.value(at: 0), let index = s.value(at: 1).string else { return }
                if map.updateValue(id, forKey: index) != nil { clash = index }
            }
        if let clash {
            throw StoreError("source index \(clash) names more than one example of the dataset; histories cannot be attributed")
        }
        return map
    }
}
