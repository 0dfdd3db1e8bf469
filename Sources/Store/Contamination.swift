/// A training example that covers much of a benchmark item's text.
public struct ContaminationMatch: Equatable, Sendable {
    public let exampleID: Int64
    public let benchmarkExampleID: Int64
    /// The n of the word n-grams compared.
    public let ngram: Int
    /// The share of the benchmark item's n-grams found in the training example.
    public let coverage: Double
    /// How many of the benchmark item's n-grams the training example shares.
    public let shared: Int

    public init(exampleID: Int64, benchmarkExampleID: Int64, ngram: Int, coverage: Double, shared: Int) {
        self.exampleID = exampleID
        self.benchmarkExampleID = benchmarkExampleID
        self.ngram = ngram
        self.coverage = coverage
        self.shared = shared
    }
}

extension Store {
    /// Replaces the matches between `datasetID`'s examples and `benchmarkIDs`' items with `matches`.
    public func replaceContamination(datasetID: Int64, benchmarkIDs: [Int64], with matches: [ContaminationMatch]) throws {
        try db.transaction {
            let placeholders = Array(repeating: "?", count: benchmarkIDs.count).joined(separator: ",")
            try db.execute("""
                DELETE FROM contamination_matches
                WHERE example_id IN (SELECT id FROM examples WHERE dataset_id = ?)
                  AND benchmark_example_id IN (SELECT id FROM examples WHERE dataset_id IN (\(placeholders)))
                """, [.integer(datasetID)] + benchmarkIDs.map { .integer($0) })
            let insert = try db.prepare("""
                INSERT INTO contamination_matches (example_id, benchmark_example_id, ngram, coverage, shared, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
            let now = Store.timestamp()
            for m in matches {
                try insert.run([.integer(m.exampleID), .integer(m.benchmarkExampleID), .int(m.ngram),
                                .real(m.coverage), .int(m.shared), .text(now)])
            }
        }
    }

    /// The matches involving `exampleID`, as training example or as benchmark item.
    public func contamination(involving exampleID: Int64) throws -> [ContaminationMatch] {
        try db.rows("""
            SELECT example_id, benchmark_example_id, ngram, coverage, shared FROM contamination_matches
            WHERE example_id = ? OR benchmark_example_id = ? ORDER BY coverage DESC
            """, [.integer(exampleID), .integer(exampleID)]).map(ContaminationMatch.init(row:))
    }

    /// Ids of the examples of `datasetID` flagged as contaminated.
    public func contaminatedExampleIDs(datasetID: Int64) throws -> Set<Int64> {
        Set(try db.rows("""
            SELECT DISTINCT m.example_id FROM contamination_matches m JOIN examples e ON e.id = m.example_id
            WHERE e.dataset_id = ?
            """, [.integer(datasetID)]).compactMap { $0[0].int.map(Int64.init) })
    }
}

extension ContaminationMatch {
    init(row: Row) {
        exampleID = Int64(row["example_id"].int ?? 0)
        benchmarkExampleID = Int64(row["benchmark_example_id"].int ?? 0)
        ngram = row["ngram"].int ?? 0
        coverage = row["coverage"].double ?? 0
        shared = row["shared"].int ?? 0
    }
}

extension Store {
    /// Matches grouped by benchmark dataset name, highest coverage first, at most `perBenchmark` each.
    public func contaminationByBenchmark(perBenchmark: Int) throws -> [(benchmark: String, matches: [ContaminationMatch])] {
        let rows = try db.rows("""
            SELECT d.name AS benchmark, m.example_id, m.benchmark_example_id, m.ngram, m.coverage, m.shared
            FROM contamination_matches m JOIN examples b ON b.id = m.benchmark_example_id JOIN datasets d ON d.id = b.dataset_id
            ORDER BY d.id, m.coverage DESC, m.example_id
            """)
        var order: [String] = []
        var grouped: [String: [ContaminationMatch]] = [:]
        for row in rows {
            let name = row["benchmark"].string ?? ""
            if grouped[name] == nil { order.append(name) }
            if grouped[name, default: []].count < perBenchmark { grouped[name, default: []].append(ContaminationMatch(row: row)) }
        }
        return order.map { ($0, grouped[$0] ?? []) }
    }
}
