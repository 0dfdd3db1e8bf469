import ArgumentParser
import Foundation
import JSON
import Reports

/// `oneshot report`: the store as an HTML page and a Markdown file.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write an HTML and a Markdown report of the store (data, duplicates, contamination, selection, runs).",
        discussion: """
            Writes OUT/index.html (one self-contained file: inline CSS and SVG, no script, light and dark, \
            printable) and OUT/report.md with its charts as SVG files beside it. Every section appears when \
            its data exists; dataset text is escaped.
            """)

    @OptionGroup var options: StoreOptions

    @Option(help: "The folder to write (created if needed).")
    var out: String

    @Option(help: "How many π to list per probe run.")
    var top: Int = 16

    mutating func run() throws {
        let store = try options.open()
        let data = try ReportData(store: store, top: top)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let folder = URL(fileURLWithPath: out)
        try HTMLReport.render(data).write(to: folder.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        let (markdown, charts) = MarkdownReport.render(data)
        try markdown.write(to: folder.appendingPathComponent("report.md"), atomically: true, encoding: .utf8)
        for (name, svg) in charts { try svg.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let index = folder.appendingPathComponent("index.html").path
        if options.json {
            printJSON(.object(JSONObject(["html": .string(index), "markdown": .string(folder.appendingPathComponent("report.md").path),
                                          "charts": .array(charts.keys.sorted().map(JSONValue.string))])))
        } else {
            print(index)
        }
    }
}
