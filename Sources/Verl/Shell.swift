/// POSIX shell quoting for the scripts and command lines OneShotKit writes (bash runs launch.sh and job.sbatch;
/// Ray runs a job's entrypoint with /bin/sh, so nothing here is bash-only).
public enum Shell {
    /// A value no shell word can hold: NUL ends every C string, so it cannot reach a program's arguments.
    public struct UnquotableValue: Error, CustomStringConvertible, Equatable {
        public let field: String
        public var description: String { "\(field): holds a NUL character, which no shell argument can carry" }
    }

    /// One argument as the shell reads it back unchanged: plain when made of safe ASCII characters, else
    /// single-quoted (a quote inside becomes '\''). Inside single quotes every other byte is literal, control
    /// characters (CR, LF, tab, ESC, ...) included, so spaces, quotes, `$(...)`, globs and line breaks stay inert.
    /// A NUL is dropped: call ``check(_:field:)`` first where a value comes from outside.
    public static func quote(_ argument: String) -> String {
        let safe = !argument.isEmpty && argument.unicodeScalars.allSatisfy { isPlain($0) }
        if safe { return argument }
        let body = argument.unicodeScalars.filter { $0 != "\0" }.map { $0 == "'" ? "'\\''" : String($0) }.joined()
        return "'" + body + "'"
    }

    /// Throws when `value` cannot be quoted faithfully (it holds a NUL).
    public static func check(_ value: String, field: String) throws(UnquotableValue) {
        if value.unicodeScalars.contains("\0") { throw UnquotableValue(field: field) }
    }

    /// A command line with every argument quoted.
    public static func command(_ arguments: [String]) -> String { arguments.map(quote).joined(separator: " ") }

    /// Text for a `#` comment line: every control character (C0, DEL, C1, line and paragraph separators) shown
    /// as `?`, so the comment stays one line whatever the text holds.
    public static func comment(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? "?" : $0 }))
    }

    static func isPlain(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || "-_./=:,@%+".unicodeScalars.contains(scalar))
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
            || scalar.value == 0x85
    }
}
