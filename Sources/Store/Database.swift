import CSQLite
import Foundation

/// An error raised by SQLite or by the store's own checks, with the message to show a user.
public struct StoreError: Error, CustomStringConvertible, Equatable {
    /// What went wrong, ready to print.
    public let message: String
    /// The SQLite result code, when SQLite raised the error.
    public let code: Int32?

    public init(_ message: String, code: Int32? = nil) {
        self.message = message
        self.code = code
    }

    public var description: String { message }
}

/// One connection to a SQLite file: the store's unit of work.
///
/// The connection runs in WAL mode with foreign keys enforced. Work that must be all-or-nothing goes
/// through ``transaction(_:)``; statements are prepared once with ``prepare(_:)`` and reused.
/// Every value reaches SQLite as a bound parameter, never spliced into SQL text.
public final class Database {
    let handle: OpaquePointer
    /// The file the connection reads and writes (":memory:" for an in-memory database).
    public let path: String

    /// Opens (creating if needed) the SQLite file at `path`.
    public init(path: String) throws {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw StoreError("cannot open store \(path): \(message)", code: rc)
        }
        handle = db
        self.path = path
        sqlite3_busy_timeout(db, 10_000)
        try execute("PRAGMA foreign_keys = ON")
        if path != ":memory:" {
            // A new store gets 64 KiB pages (an existing one keeps its own): SQLite writes a page and its
            // WAL frame header with a syscall each and copies every page again at checkpoints, and with
            // 4 KiB pages those syscalls took about a sixth of a bulk import's time.
            try execute("PRAGMA page_size = 65536")
            try execute("PRAGMA journal_mode = WAL")
            try execute("PRAGMA synchronous = NORMAL")
            // Read through memory-mapped I/O (up to 1 GiB): scans of large stores skip a copy per page.
            try execute("PRAGMA mmap_size = 1073741824")
        }
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs one or more SQL statements that take no parameters and return no rows.
    public func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(error)
            throw StoreError("SQL error: \(message)", code: rc)
        }
    }

    /// Runs one statement with bound parameters.
    public func execute(_ sql: String, _ arguments: [SQLValue]) throws {
        let statement = try prepare(sql)
        try statement.run(arguments)
    }

    /// Prepares a statement for repeated use.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    ///
    /// Transactions do not nest: calling this inside another transaction is a programming error.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// The row id of the last row inserted on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// The number of rows the last INSERT, UPDATE or DELETE changed.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// Fetches every row of a query as arrays of values (for small results).
    public func rows(_ sql: String, _ arguments: [SQLValue] = []) throws -> [Row] {
        let statement = try prepare(sql)
        return try statement.rows(arguments)
    }

    /// Fetches the first column of the first row, or nil when the query returns no row.
    public func scalar(_ sql: String, _ arguments: [SQLValue] = []) throws -> SQLValue? {
        try rows(sql, arguments).first?.values.first
    }
}
