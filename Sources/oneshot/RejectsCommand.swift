import ArgumentParser
import Corpus
import Foundation
import Store
import JSON

/// `oneshot rejects`: the rows an import could not take, with the reason, verbatim.
struct Rejects: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List rejected rows (FILE:LINE: reason), or write them verbatim to a file.")

    @OptionGroup var options: StoreOptions

    @Option(help: "Only this dataset.")
    var dataset: String?

    @Option(help: "Write the rejected rows verbatim, one per line, to this file (to fix and import again).")
    var out: String?

    mutating func run() throws {
        let store = try options.open()
        let id = try dataset.map { try store.datasets(named: [$0])[0].id }
        let rows = try store.rejectedRows(datasetID: id)
        if let out {
            var data = Data()
            for r in rows { data.append(contentsOf: r.row.raw.filter { $0 != 0x0A }); data.append(0x0A) }
            try data.write(to: URL(fileURLWithPath: out))
        }
        if options.json {
            printJSON(.object(JSONObject(["rejected": .int(Int64(rows.count)), "rows": .array(rows.map { r in .object(JSONObject([
                "dataset": .string(r.dataset), "path": .string(r.path), "line": .int(Int64(r.row.line)),
                "field": r.row.field.map(JSONValue.string) ?? .null, "reason": .string(r.row.reason),
                "raw": .string(String(decoding: r.row.raw, as: UTF8.self)),
            ])) })])))
            return
        }
        for r in rows {
            print("\(r.path):\(r.row.line): \(r.row.field.map { "field '\($0)': " } ?? "")\(r.row.reason)")
        }
        if rows.isEmpty { print("no rejected rows") }
        if let out { print("\(rows.count) rows written to \(out)") }
    }
}
