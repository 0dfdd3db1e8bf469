/// Per-dataset counts, as `oneshot stats` shows them.
public struct DatasetStats: Equatable, Sendable {
    public let name: String
    public let role: DatasetRecord.Role
    public let files: Int
    public let rows: Int
    public let rejected: Int
    public let skipped: Int
    /// Examples that belong to a duplicate cluster.
    public let inClusters: Int
    /// Clusters with at least one member in this dataset.
    public let clusters: Int
    /// Examples flagged as covering a benchmark item.
    public let contaminated: Int
}

extension Store {
    /// Counts for every dataset, in creation order.
    public func stats() throws -> [DatasetStats] {
        try db.rows("""
            SELECT d.name, d.role,
              (SELECT count(*) FROM source_files f WHERE f.dataset_id = d.id) AS files,
              (SELECT count(*) FROM examples e WHERE e.dataset_id = d.id) AS rows_,
              (SELECT count(*) FROM rejected_rows r WHERE r.dataset_id = d.id) AS rejected,
              (SELECT coalesce(sum(skipped), 0) FROM source_files f WHERE f.dataset_id = d.id) AS skipped,
              (SELECT count(DISTINCT m.example_id) FROM cluster_members m JOIN examples e ON e.id = m.example_id
                 WHERE e.dataset_id = d.id) AS in_clusters,
              (SELECT count(DISTINCT m.cluster_id) FROM cluster_members m JOIN examples e ON e.id = m.example_id
                 WHERE e.dataset_id = d.id) AS clusters,
              (SELECT count(DISTINCT c.example_id) FROM contamination_matches c JOIN examples e ON e.id = c.example_id
                 WHERE e.dataset_id = d.id) AS contaminated
            FROM datasets d ORDER BY d.id
            """).map { row in
            DatasetStats(name: row["name"].string ?? "", role: .init(rawValue: row["role"].string ?? "") ?? .train,
                         files: row["files"].int ?? 0, rows: row["rows_"].int ?? 0, rejected: row["rejected"].int ?? 0,
                         skipped: row["skipped"].int ?? 0, inClusters: row["in_clusters"].int ?? 0,
                         clusters: row["clusters"].int ?? 0, contaminated: row["contaminated"].int ?? 0)
        }
    }
}
