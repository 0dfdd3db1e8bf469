import Corpus
import Foundation
import JSON

/// Writes to standard error (diagnostics, progress), keeping stdout for results.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Prints one JSON value on stdout.
func printJSON(_ value: JSONValue) {
    print(value.serialized)
}

/// Whether standard error is a terminal (progress is shown only then, never in pipes or CI).
var stderrIsTerminal: Bool {
    isatty(2) == 1 && ProcessInfo.processInfo.environment["CI"] == nil
}

/// A progress line on a terminal: done, rate and (with a total) ETA; silent elsewhere.
final class ProgressLine {
    let label: String
    let total: Int?
    let start = Date()
    private var lastDraw = Date.distantPast
    private let enabled = stderrIsTerminal

    init(_ label: String, total: Int? = nil) {
        self.label = label
        self.total = total
    }

    func update(_ done: Int) { update(done, note: nil) }

    /// The line with a short note after the ETA (for example the current reward).
    func update(_ done: Int, note: String?) {
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = Date()
        let elapsed = max(Date().timeIntervalSince(start), 1e-6)
        let rate = Double(done) / elapsed
        var text = "\(label): \(done)"
        if let total { text += "/\(total)" }
        text += String(format: "  %.0f/s", rate)
        if let total, rate > 0 { text += String(format: "  ETA %.0fs", Double(total - done) / rate) }
        if let note { text += "  " + note }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
