import Foundation

/// Sends standard output to a log file while a pipeline stage runs, so the pipeline prints one line per stage
/// and each stage's own output stays readable in its log. Standard error (diagnostics, the progress line on a
/// terminal) is left alone.
enum StageLog {
    static func capture<T>(to path: String, _ body: () throws -> T) throws -> T {
        guard FileManager.default.createFile(atPath: path, contents: nil), let log = FileHandle(forWritingAtPath: path) else { throw StageLogError(path: path) }
        defer { try? log.close() }
        fflush(nil)
        let saved = dup(STDOUT_FILENO)
        dup2(log.fileDescriptor, STDOUT_FILENO)
        defer {
            fflush(nil)
            dup2(saved, STDOUT_FILENO)
            close(saved)
        }
        return try body()
    }
}

struct StageLogError: Error, CustomStringConvertible {
    let path: String
    var description: String { "cannot write the stage log \(path)" }
}
