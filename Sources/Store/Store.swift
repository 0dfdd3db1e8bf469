import Foundation

/// The version of OneShotKit, recorded with everything the tool writes.
public enum ToolInfo {
    public static let version = "0.1.0"
}

/// The OneShotKit store: one SQLite file holding datasets, examples and everything derived from them.
///
/// Opening a store applies any pending migration; a store written by a newer tool is refused.
public final class Store {
    /// The underlying connection, for queries the typed API does not cover.
    public let db: Database

    /// Opens the store at `path`, creating and migrating it as needed.
    public init(path: String) throws {
        db = try Database(path: path)
        try Schema.migrator.migrate(db)
    }

    /// The store path to use when none is given: `$ONESHOT_STORE`, else `oneshot.db` here.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment["ONESHOT_STORE"].flatMap { $0.isEmpty ? nil : $0 } ?? "oneshot.db"
    }

    /// The current time as ISO 8601 text, as the store records it.
    public static func timestamp(_ date: Date = Date()) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
