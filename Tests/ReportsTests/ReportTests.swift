import Foundation
import Testing
@testable import Corpus
@testable import Reports
@testable import Selection
import Store

/// A store with data in every section, including hostile text.
func reportStore() throws -> Store {
    let store = try Store(path: ":memory:")
    let hostile = """
        {"problem": "<script>alert(1)</script> What is 1+1?", "answer": "2"}
        {"problem": "\\"><img src=x onerror=alert(1)> What is 2+2?", "answer": "4"}
        {"problem": "<script>alert(1)</script> What is 1+1?", "answer": "2"}
        {"problem": "\\"><img src=x onerror=alert(1)> What is 2+2?", "answer": "4"}
        {"problem": "Convert the point $(0,3)$ in rectangular coordinates to polar coordinates.  Enter your answer in the form $(r,\\\\theta),$ where $r > 0$ and $0 \\\\le \\\\theta < 2 \\\\pi.$", "answer": "x"}
        {broken
        """
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).jsonl").path
    try hostile.write(toFile: path, atomically: true, encoding: .utf8)
    _ = try Importer(store: store).importFile(path, options: ImportOptions(dataset: "hostile"))
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    _ = try Importer(store: store).importFile(root.appendingPathComponent("datasets/one-shot-rlvr/dsr_sub.jsonl").path, options: ImportOptions())
    let datasets = try store.datasets()
    _ = try Deduplicator().run(store: store, datasets: datasets)
    let math500 = try BenchmarkCatalog(directory: root.appendingPathComponent("datasets/benchmarks").path).dataset("math500", in: store)
    _ = try Decontaminator().run(store: store, dataset: datasets[0], benchmarks: [math500])
    _ = try TrajectoryImport(store: store).run(path: root.appendingPathComponent("datasets/one-shot-rlvr/acc_step_500.json").path,
                                               format: .oneShotRLVR, dataset: try #require(try store.dataset(named: "dsr_sub")), runName: "paper")
    return store
}

@Suite struct ReportTests {
    @Test func everySectionWithItsData() throws {
        let data = try ReportData(store: try reportStore(), top: 13)
        let html = HTMLReport.render(data)
        for id in ["data", "duplicates", "contamination", "selection-paper", "provenance"] { #expect(html.contains("<section id=\"\(id)\"")) }
        #expect(data.selections[0].top.map { $0.example?.sourceIndex } .first == "124")
        #expect(data.selections[0].top.last?.example?.sourceIndex == "682")   // π13
        #expect(html.contains("<svg") && html.contains("class=\"spark\""))
        let (markdown, charts) = MarkdownReport.render(data)
        #expect(markdown.contains("## Selection: paper") && markdown.contains("![Distribution of the standard deviation](selection-paper-std.svg)"))
        #expect(charts.keys.sorted() == ["selection-paper-std.svg"])
    }

    @Test func datasetTextIsInert() throws {
        let data = try ReportData(store: try reportStore())
        let html = HTMLReport.render(data)
        #expect(!html.contains("<script>alert(1)</script>"))
        #expect(!html.contains("<img src=x"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(!html.contains("<script"))   // the page itself has no script at all
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").dropFirst().allSatisfy { $0.hasPrefix("www.w3.org/2000/svg") })
        let markdown = MarkdownReport.render(data).markdown
        #expect(!markdown.contains("<script>") && !markdown.contains("<img"))
    }

    @Test func escaping() {
        #expect(Escape.html("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;")
        #expect(Escape.markdownCell("a | b\nc `d`") == "a \\| b c \\`d\\`")
        #expect(Escape.markdownCell("{\"k\": \"<img src=x onerror=alert(1)>\"}") == "{\"k\": \"&lt;img src=x onerror=alert(1)&gt;\"}")
    }

    @Test func chartsAreSVG() {
        let svg = SVGChart.histogram([0, 0.1, 0.1, 0.4], title: "t <x>", xLabel: "x")
        #expect(svg.hasPrefix("<svg") && svg.contains("t &lt;x&gt;") && svg.contains("<rect class=\"bar\""))
        #expect(SVGChart.sparkline([0, 0.5, 1]).contains("<polyline"))
        #expect(SVGChart.lines([("a", [(0, 0), (1, 1)])], title: "t", xLabel: "x", yLabel: "y").contains("class=\"series s0\""))
    }
}
