/// One step of the store's schema history.
public struct Migration: Sendable {
    /// The schema version this migration produces (1, 2, ...), kept in SQLite's `user_version`.
    public let version: Int
    /// A short name, for messages.
    public let name: String
    /// The SQL that takes the schema from `version - 1` to `version`.
    public let sql: String
}

/// Applies the pending migrations of a list, each in its own transaction.
///
/// The schema version lives in SQLite's `PRAGMA user_version`. A store whose version is newer than
/// the newest migration this build knows is refused rather than touched.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    public init(_ migrations: [Migration]) {
        precondition(migrations.enumerated().allSatisfy { $0.offset + 1 == $0.element.version },
                     "migrations must be numbered 1, 2, 3, ... in order")
        self.migrations = migrations
    }

    /// The version the newest migration produces.
    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// The schema version of `db`.
    public static func version(of db: Database) throws -> Int {
        try db.scalar("PRAGMA user_version")?.int ?? 0
    }

    /// Brings `db` up to ``latestVersion``; returns the migrations applied.
    @discardableResult
    public func migrate(_ db: Database) throws -> [Migration] {
        let current = try Migrator.version(of: db)
        if current > latestVersion {
            throw StoreError("""
                the store \(db.path) has schema version \(current), newer than this oneshot knows \
                (\(latestVersion)): it was written by a newer oneshot; upgrade oneshot to open it
                """)
        }
        let pending = migrations.filter { $0.version > current }
        for migration in pending {
            try db.transaction {
                try db.execute(migration.sql)
                try db.execute("PRAGMA user_version = \(migration.version)")
            }
        }
        return pending
    }
}
