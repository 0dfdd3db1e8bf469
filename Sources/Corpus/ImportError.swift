/// Why a file, or a row of it, could not be imported. Each message names the file and, where it
/// applies, the line and the field.
public enum ImportError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case emptyFile(path: String)
    case unknownFormat(path: String, reason: String)
    case malformed(path: String, line: Int, reason: String)
    case unsafeXML(path: String, line: Int, reason: String)
    /// `--strict`: the first bad row fails the whole file.
    case strictRejected(path: String, line: Int, field: String?, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .emptyFile(let path): return "\(path): the file is empty"
        case .unknownFormat(let path, let reason): return "\(path): \(reason)"
        case .malformed(let path, let line, let reason): return "\(path):\(line): \(reason)"
        case .unsafeXML(let path, let line, let reason): return "\(path):\(line): refused: \(reason)"
        case .strictRejected(let path, let line, let field, let reason):
            return "\(path):\(line): \(field.map { "field '\($0)': " } ?? "")\(reason) (--strict: nothing of this file was imported)"
        }
    }
}

/// Why one row was rejected: the field at fault (if any) and the reason.
public struct RowError: Error, Equatable {
    public let field: String?
    public let reason: String

    public init(field: String?, _ reason: String) {
        self.field = field
        self.reason = reason
    }
}
