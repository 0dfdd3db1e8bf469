import ArgumentParser
import Corpus
import Store
import JSON

/// `oneshot stats`: what the store holds, per dataset.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Rows, rejects, duplicates and contamination per dataset.")

    @OptionGroup var options: StoreOptions

    mutating func run() throws {
        let stats = try options.open().stats()
        if options.json {
            printJSON(.object(JSONObject(["datasets": .array(stats.map { s in .object(JSONObject([
                "name": .string(s.name), "role": .string(s.role.rawValue), "files": .int(Int64(s.files)),
                "rows": .int(Int64(s.rows)), "rejected": .int(Int64(s.rejected)), "skipped": .int(Int64(s.skipped)),
                "duplicate_clusters": .int(Int64(s.clusters)), "in_clusters": .int(Int64(s.inClusters)),
                "contaminated": .int(Int64(s.contaminated)),
            ])) })])))
            return
        }
        let header = ["dataset", "role", "rows", "rejected", "skipped", "dup clusters", "in clusters", "contaminated"]
        let rows = stats.map { s in
            [s.name, s.role.rawValue, "\(s.rows)", "\(s.rejected)", "\(s.skipped)", "\(s.clusters)", "\(s.inClusters)", "\(s.contaminated)"]
        }
        print(table(header: header, rows: rows))
    }
}

/// A plain-text table: columns in `leftAligned` (by default the first) left-aligned, the others
/// right-aligned; the last column is not padded.
func table(header: [String], rows: [[String]], leftAligned: Set<Int> = [0]) -> String {
    let all = [header] + rows
    let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
    return all.map { row in
        row.enumerated().map { c, cell in
            let pad = String(repeating: " ", count: widths[c] - cell.count)
            if c == row.count - 1 && leftAligned.contains(c) { return cell }
            return leftAligned.contains(c) ? cell + pad : pad + cell
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}
