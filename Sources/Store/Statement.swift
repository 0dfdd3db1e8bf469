import CSQLite

/// A value as SQLite stores it.
public enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// The value as an integer, when it is one.
    public var int: Int? {
        if case .integer(let v) = self { return Int(v) }
        return nil
    }

    /// The value as a Double (integers are widened).
    public var double: Double? {
        switch self {
        case .real(let v): return v
        case .integer(let v): return Double(v)
        default: return nil
        }
    }

    /// The value as text, when it is text.
    public var string: String? {
        if case .text(let v) = self { return v }
        return nil
    }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension SQLValue {
    /// Text, or NULL when `value` is nil.
    public static func text(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
    /// An integer from a Swift `Int`.
    public static func int(_ value: Int) -> SQLValue { .integer(Int64(value)) }
    /// An integer, or NULL when `value` is nil.
    public static func int(_ value: Int?) -> SQLValue { value.map { .integer(Int64($0)) } ?? .null }
}

/// One result row: its values in column order, addressable by column name.
public struct Row: Sendable {
    public let columns: [String]
    public let values: [SQLValue]

    /// The value of the named column (NULL when there is no such column).
    public subscript(_ name: String) -> SQLValue {
        guard let i = columns.firstIndex(of: name) else { return .null }
        return values[i]
    }

    /// The value at column `index`.
    public subscript(_ index: Int) -> SQLValue { values[index] }
}

// SQLITE_TRANSIENT is a C macro Swift does not import: SQLite copies the bound bytes.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement, reusable with new arguments.
public final class Statement {
    let handle: OpaquePointer
    unowned let database: Database
    /// The SQL text the statement was prepared from.
    public let sql: String

    init(database: Database, sql: String) throws {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(database.handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            throw StoreError("SQL error: \(database.lastErrorMessage) in: \(sql)", code: rc)
        }
        self.handle = stmt
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds `arguments` to the statement's parameters, in order.
    public func bind(_ arguments: [SQLValue]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard expected == arguments.count else {
            throw StoreError("statement takes \(expected) arguments, got \(arguments.count): \(sql)")
        }
        for (offset, value) in arguments.enumerated() {
            let i = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(handle, i)
            case .integer(let v): rc = sqlite3_bind_int64(handle, i, v)
            case .real(let v): rc = sqlite3_bind_double(handle, i, v)
            case .text(let v): rc = sqlite3_bind_text(handle, i, v, -1, transient)
            case .blob(let v):
                rc = v.withUnsafeBytes { sqlite3_bind_blob(handle, i, $0.baseAddress, Int32($0.count), transient) }
            }
            guard rc == SQLITE_OK else {
                throw StoreError("cannot bind argument \(i): \(database.lastErrorMessage)", code: rc)
            }
        }
    }

    /// Runs the statement to completion with `arguments`, ignoring any rows.
    public func run(_ arguments: [SQLValue] = []) throws {
        try bind(arguments)
        while try step() {}
    }

    /// Advances to the next row; false when done.
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            throw StoreError("SQL error: \(database.lastErrorMessage)", code: rc)
        }
    }

    /// The current row's value at `index`.
    public func value(at index: Int) -> SQLValue {
        let i = Int32(index)
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, i))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, i))
        case SQLITE_TEXT:
            guard let p = sqlite3_column_text(handle, i) else { return .text("") }
            let n = Int(sqlite3_column_bytes(handle, i))
            return .text(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        case SQLITE_BLOB:
            let n = Int(sqlite3_column_bytes(handle, i))
            guard n > 0, let p = sqlite3_column_blob(handle, i) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: p, count: n)))
        default: return .null
        }
    }

    /// The names of the result columns.
    public var columnNames: [String] {
        (0..<Int(sqlite3_column_count(handle))).map { String(cString: sqlite3_column_name(handle, Int32($0))) }
    }

    /// Runs the query with `arguments` and collects every row.
    public func rows(_ arguments: [SQLValue] = []) throws -> [Row] {
        try bind(arguments)
        let names = columnNames
        var result: [Row] = []
        while try step() {
            result.append(Row(columns: names, values: (0..<names.count).map(value(at:))))
        }
        return result
    }

    /// Runs the query with `arguments`, calling `body` on each row without collecting them.
    public func forEach(_ arguments: [SQLValue] = [], _ body: (Statement) throws -> Void) throws {
        try bind(arguments)
        while try step() { try body(self) }
    }
}
