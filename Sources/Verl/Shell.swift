/// POSIX shell quoting for the scripts and command lines OneShotKit writes.
public enum Shell {
    /// One argument as the shell reads it back unchanged: plain when made of safe characters, else single-quoted
    /// (a quote inside becomes '\''), so spaces, quotes, `$(...)` and globs stay inert.
    public static func quote(_ argument: String) -> String {
        let safe = !argument.isEmpty && argument.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0)) }
        return safe ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A command line with every argument quoted.
    public static func command(_ arguments: [String]) -> String { arguments.map(quote).joined(separator: " ") }
}
