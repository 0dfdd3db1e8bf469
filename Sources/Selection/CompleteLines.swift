import Foundation

/// The lines of a file that a writer has finished: those ending with a newline, numbered from 1, blank ones (CR included)
/// left out. What follows the last newline is still being written (verl appends its dumps and logs as it
/// runs) and waits for the next read.
public enum CompleteLines {
    /// nil when the file cannot be read.
    public static func read(_ path: String) -> [(number: Int, text: String)]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        var lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
        lines.removeLast()   // after the last newline: empty, or a line still being written
        return lines.enumerated().compactMap { i, line in line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : (i + 1, line) }
    }
}
