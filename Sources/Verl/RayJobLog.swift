import Foundation

/// A Ray job's driver output kept in the run folder (logs/ray-job.log), brought up to date with what is new.
///
/// Each look asks Ray's log API for the log's last lines only and finds where the saved copy ends in them
/// (its last lines, matched as a run), asking for twice as many lines while that end is not in what came back.
/// A look at a job that printed little since the last one costs a few kilobytes, however long the log is.
/// Where the log API cannot serve the job (Ray before 2.9, no driver node yet), the whole log is read once.
public enum RayJobLog {
    /// Lines of the saved copy's end that must match, as a run, in what Ray returns.
    static let anchorLines = 3

    /// Appends the job's new output to `path`; returns the number of bytes added.
    @discardableResult
    public static func update(_ path: String, client: RayJobsClient, id: String, driverNode: String?) throws -> Int {
        let saved = FileManager.default.contents(atPath: path) ?? Data()
        let savedLines = lines(of: saved)
        var added = ""
        if let node = driverNode, let tail = try? newLines(after: savedLines, client: client, id: id, node: node) {
            added = tail
        } else {
            let whole = Data(try client.logs(id).utf8)
            guard whole.count > saved.count else { return 0 }
            added = String(decoding: whole.suffix(from: whole.startIndex + saved.count), as: UTF8.self)
        }
        guard !added.isEmpty else { return 0 }
        if saved.isEmpty { FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw VerlReadError("cannot write \(path)") }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(added.utf8))
        return added.utf8.count
    }

    /// The complete lines after the saved ones, from the log's tail.
    static func newLines(after saved: [Substring], client: RayJobsClient, id: String, node: String) throws -> String {
        let anchor = Array(saved.suffix(anchorLines))
        var count = 1000
        while true {
            let text = try client.logTail(id, node: node, lines: count)
            let fetched = lines(of: Data(text.utf8))
            if anchor.isEmpty { return joined(fetched) }
            if let end = lastMatch(of: anchor, in: fetched) { return joined(fetched[end...]) }
            // The saved end is further back than this tail (or the log was restarted: then all of it is new).
            if fetched.count < count || count >= 1 << 22 { return joined(fetched) }
            count *= 2
        }
    }

    /// The index just past the last place `anchor` stands as a run in `lines`.
    static func lastMatch(of anchor: [Substring], in lines: [Substring]) -> Int? {
        guard lines.count >= anchor.count else { return nil }
        for start in stride(from: lines.count - anchor.count, through: 0, by: -1)
        where lines[start..<(start + anchor.count)].elementsEqual(anchor) {
            return start + anchor.count
        }
        return nil
    }

    /// The complete lines of `data` (a last line without its newline is still being written: left for later).
    static func lines(of data: Data) -> [Substring] {
        let text = String(decoding: data, as: UTF8.self)
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false)
        parts.removeLast()   // after the last newline: empty, or an incomplete line
        return parts
    }

    static func joined<C: Collection>(_ lines: C) -> String where C.Element == Substring {
        lines.map { $0 + "\n" }.joined()
    }
}
