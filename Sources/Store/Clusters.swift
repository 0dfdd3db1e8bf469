/// A group of examples that state the same problem.
public struct DuplicateCluster: Equatable, Sendable {
    public enum Kind: String, Sendable { case exact, near }

    /// One member and its Jaccard similarity to the representative (1 for exact duplicates).
    public struct Member: Equatable, Sendable {
        public let exampleID: Int64
        public let similarity: Double
        public init(exampleID: Int64, similarity: Double) {
            self.exampleID = exampleID
            self.similarity = similarity
        }
    }

    public let id: Int64
    public let kind: Kind
    public let threshold: Double
    /// The member later stages use in place of the cluster (the earliest imported).
    public let representativeID: Int64
    /// All members, the representative first.
    public let members: [Member]

    public init(id: Int64 = 0, kind: Kind, threshold: Double, representativeID: Int64, members: [Member]) {
        self.id = id
        self.kind = kind
        self.threshold = threshold
        self.representativeID = representativeID
        self.members = members
    }
}

extension Store {
    /// Replaces the clusters that touch any of `datasetIDs` with `clusters`, in one transaction; returns
    /// them with their new ids.
    @discardableResult
    public func replaceClusters(touching datasetIDs: [Int64], with clusters: [DuplicateCluster]) throws -> [DuplicateCluster] {
        try db.transaction {
            // Members first, then their clusters: twice as fast as letting ON DELETE CASCADE do it row by row.
            let placeholders = Array(repeating: "?", count: datasetIDs.count).joined(separator: ",")
            try db.execute("DROP TABLE IF EXISTS temp.replaced_clusters")
            try db.execute("""
                CREATE TEMP TABLE replaced_clusters AS
                SELECT DISTINCT m.cluster_id AS id FROM cluster_members m JOIN examples e ON e.id = m.example_id
                WHERE e.dataset_id IN (\(placeholders))
                """, datasetIDs.map { .integer($0) })
            try db.execute("""
                DELETE FROM cluster_members WHERE cluster_id IN (SELECT id FROM temp.replaced_clusters);
                DELETE FROM duplicate_clusters WHERE id IN (SELECT id FROM temp.replaced_clusters);
                DROP TABLE temp.replaced_clusters;
                """)
            let insertCluster = try db.prepare(
                "INSERT INTO duplicate_clusters (kind, threshold, representative_id, created_at) VALUES (?, ?, ?, ?)")
            let insertMember = try db.prepare(
                "INSERT INTO cluster_members (cluster_id, example_id, similarity) VALUES (?, ?, ?)")
            let now = Store.timestamp()
            return try clusters.map { cluster in
                try insertCluster.run([.text(cluster.kind.rawValue), .real(cluster.threshold),
                                       .integer(cluster.representativeID), .text(now)])
                let clusterID = db.lastInsertRowID
                for member in cluster.members {
                    try insertMember.run([.integer(clusterID), .integer(member.exampleID), .real(member.similarity)])
                }
                return DuplicateCluster(id: clusterID, kind: cluster.kind, threshold: cluster.threshold,
                                        representativeID: cluster.representativeID, members: cluster.members)
            }
        }
    }

    /// The clusters with a member in any of `datasetIDs` (all clusters when nil), largest first.
    public func clusters(datasetIDs: [Int64]? = nil) throws -> [DuplicateCluster] {
        let members = try db.rows("""
            SELECT c.id, c.kind, c.threshold, c.representative_id, m.example_id, m.similarity
            FROM duplicate_clusters c JOIN cluster_members m ON m.cluster_id = c.id
            ORDER BY c.id, (m.example_id = c.representative_id) DESC, m.similarity DESC, m.example_id
            """)
        var order: [Int64] = []
        var byID: [Int64: (kind: DuplicateCluster.Kind, threshold: Double, rep: Int64, members: [DuplicateCluster.Member])] = [:]
        for row in members {
            let id = Int64(row["id"].int ?? 0)
            if byID[id] == nil {
                order.append(id)
                byID[id] = (DuplicateCluster.Kind(rawValue: row["kind"].string ?? "") ?? .exact,
                            row["threshold"].double ?? 1, Int64(row["representative_id"].int ?? 0), [])
            }
            byID[id]?.members.append(.init(exampleID: Int64(row["example_id"].int ?? 0),
                                           similarity: row["similarity"].double ?? 0))
        }
        var result = order.compactMap { id -> DuplicateCluster? in
            guard let c = byID[id] else { return nil }
            return DuplicateCluster(id: id, kind: c.kind, threshold: c.threshold, representativeID: c.rep, members: c.members)
        }
        if let datasetIDs {
            let wanted = Set(datasetIDs)
            let datasetOf = try exampleDatasets()
            result = result.filter { $0.members.contains { datasetOf[$0.exampleID].map(wanted.contains) ?? false } }
        }
        return result.sorted { ($0.members.count, -$0.id) > ($1.members.count, -$1.id) }
    }

    /// Example ids that are members but not representatives of a cluster: what `--representatives` drops.
    public func nonRepresentativeExampleIDs() throws -> Set<Int64> {
        let rows = try db.rows("""
            SELECT m.example_id FROM cluster_members m JOIN duplicate_clusters c ON c.id = m.cluster_id
            WHERE m.example_id != c.representative_id
            """)
        return Set(rows.compactMap { $0[0].int.map(Int64.init) })
    }

    private func exampleDatasets() throws -> [Int64: Int64] {
        var map: [Int64: Int64] = [:]
        try db.prepare("SELECT e.id, e.dataset_id FROM examples e JOIN cluster_members m ON m.example_id = e.id")
            .forEach { s in
                if case .integer(let id) = s.value(at: 0), case .integer(let ds) = s.value(at: 1) { map[id] = ds }
            }
        return map
    }
}
