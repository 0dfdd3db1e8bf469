import Foundation

/// The report as one self-contained HTML page: inline CSS and SVG, no script, no font or request leaving
/// the file, light and dark themes, printable. Every dataset string is escaped.
public enum HTMLReport {
    public static func render(_ data: ReportData) -> String {
        var sections: [String] = []
        sections.append(dataSection(data))
        if !data.largestClusters.isEmpty { sections.append(duplicatesSection(data)) }
        if !data.contamination.isEmpty { sections.append(contaminationSection(data)) }
        for selection in data.selections { sections.append(selectionSection(selection)) }
        if let runs = data.runs { sections.append(runsSection(runs)) }
        if !data.evaluationRuns.isEmpty { sections.append(evaluationsSection(data)) }
        if data.runs != nil || !data.evaluationRuns.isEmpty { sections.append(definitionsSection()) }
        sections.append(provenanceSection(data))
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
            <title>OneShotKit report</title>
            <style>\(css)</style>
            </head>
            <body>
            <header><h1>OneShotKit report</h1><p class="meta">\(Escape.html(data.storePath)) · \(Escape.html(data.generatedAt))</p></header>
            <main>
            \(sections.joined(separator: "\n"))
            </main>
            </body>
            </html>

            """
    }

    private static func table(_ header: [String], _ rows: [[String]], numeric: Set<Int> = []) -> String {
        let head = header.enumerated().map { "<th\(numeric.contains($0.offset) ? " class=\"n\"" : "")>\(Escape.html($0.element))</th>" }.joined()
        let body = rows.map { row in
            "<tr>" + row.enumerated().map { "<td\(numeric.contains($0.offset) ? " class=\"n\"" : "")>\($0.element)</td>" }.joined() + "</tr>"
        }.joined(separator: "\n")
        return "<div class=\"scroll\"><table><thead><tr>\(head)</tr></thead><tbody>\n\(body)\n</tbody></table></div>"
    }

    private static func dataSection(_ data: ReportData) -> String {
        let rows = data.datasets.map { s in
            [Escape.html(s.name), s.role.rawValue, "\(s.rows)", "\(s.rejected)", "\(s.skipped)", "\(s.clusters)", "\(s.inClusters)", "\(s.contaminated)"]
        }
        var html = "<section id=\"data\"><h2>Data</h2>"
        html += table(["dataset", "role", "rows", "rejected", "skipped", "duplicate clusters", "in clusters", "contaminated"], rows, numeric: [2, 3, 4, 5, 6, 7])
        if !data.rejects.isEmpty {
            html += "<h3>Rejected rows (first \(data.rejects.count))</h3>"
            html += table(["file:line", "field", "reason"], data.rejects.map { r in
                ["\(Escape.html((r.path as NSString).lastPathComponent)):\(r.row.line)", Escape.html(r.row.field ?? "-"), Escape.html(r.row.reason)]
            })
        }
        return html + "</section>"
    }

    private static func duplicatesSection(_ data: ReportData) -> String {
        var html = "<section id=\"duplicates\"><h2>Duplicates</h2><p>\(data.clusterCount) clusters. Exact: same normalised text; near: MinHash/LSH candidates with Jaccard similarity of token 5-grams at or above the threshold. The largest:</p>"
        for c in data.largestClusters {
            html += "<h3>\(c.cluster.kind.rawValue), \(c.cluster.members.count) members</h3>"
            html += table(["", "dataset", "index", "similarity", "problem"], zip(c.cluster.members, c.members).map { m, e in
                [m.exampleID == c.cluster.representativeID ? "★" : "", Escape.html(e.datasetName), Escape.html(e.sourceIndex ?? "-"),
                 String(format: "%.2f", m.similarity), "<span class=\"text\">\(Escape.html(Escape.shortened(e.problem, 300)))</span>"]
            }, numeric: [3])
        }
        return html + "</section>"
    }

    private static func contaminationSection(_ data: ReportData) -> String {
        var html = "<section id=\"contamination\"><h2>Contamination</h2><p>A training example is flagged when it contains at least half of a benchmark item's token 8-grams (coverage). Strongest matches per benchmark, side by side:</p>"
        for c in data.contamination {
            html += "<h3>\(Escape.html(c.benchmark))</h3>"
            html += table(["coverage", "training example", "benchmark item"], c.pairs.map { p in
                [String(format: "%.0f%%", p.coverage * 100),
                 "<span class=\"src\">\(Escape.html(p.train.datasetName))#\(Escape.html(p.train.sourceIndex ?? "-"))</span> <span class=\"text\">\(Escape.html(Escape.shortened(p.train.problem, 400)))</span>",
                 "<span class=\"src\">\(Escape.html(p.item.datasetName))#\(Escape.html(p.item.sourceIndex ?? "-"))</span> <span class=\"text\">\(Escape.html(Escape.shortened(p.item.problem, 400)))</span>"]
            }, numeric: [0])
        }
        return html + "</section>"
    }

    private static func selectionSection(_ s: ReportData.Selection) -> String {
        var html = "<section id=\"selection-\(Escape.html(s.run.name))\"><h2>Selection: \(Escape.html(s.run.name))</h2>"
        html += "<p>\(s.historyCount) accuracy histories over <b>\(Escape.html(s.datasetName))</b>, ranked by historical variance (the population standard deviation of each example's training accuracy; π<sub>i</sub> is rank i).</p>"
        html += "<figure>" + SVGChart.histogram(s.standardDeviations, title: "Distribution of the standard deviation", xLabel: "standard deviation of training accuracy") + "</figure>"
        html += table(["π", "index", "std", "mean", "history", "answer", "problem"], s.top.map { r, e in
            ["π\(r.rank)", Escape.html(e?.sourceIndex ?? "-"), String(format: "%.4f", r.score), String(format: "%.3f", r.history.meanAccuracy),
             SVGChart.sparkline(r.history.accuracies), Escape.html(Escape.shortened(e?.answer ?? "-", 30)),
             "<span class=\"text\">\(Escape.html(Escape.shortened(e?.problem ?? "", 220)))</span>"]
        }, numeric: [2, 3])
        html += "<h3>Overlap of the top \(s.overlapSize) between scores</h3>"
        html += table(["scores", "shared examples"], s.overlaps.map { ["\($0.a.rawValue) / \($0.b.rawValue)", "\($0.shared)"] }, numeric: [1])
        return html + "</section>"
    }

    private static func runsSection(_ runs: RunComparison) -> String {
        var html = "<section id=\"runs\"><h2>Runs</h2><p>Accuracy at each run's last evaluation, mean ± standard deviation over seeds (runs named NAME-s1, NAME-s2, ... are seeds of NAME), in %; the best of each column in bold.</p>"
        html += table(["arm"] + runs.benchmarks.map(Escape.html) + ["average"], runs.formattedRows.map { row in
            [Escape.html(row.label)] + row.cells.map { $0.best ? "<b>\($0.text)</b>" : $0.text }
        }, numeric: Set(1...(runs.benchmarks.count + 1)))
        html += "<h3>Training reward and test accuracy over steps</h3><p>Training reward is the accuracy on the arm's own examples; the vertical line marks where it saturated.</p>"
        for arm in runs.arms {
            html += "<figure><figcaption>\(Escape.html(arm.name)) (\(arm.runs.count) run(s))</figcaption>" + runs.chart(arm) + "</figure>"
        }
        let metrics = RunComparison.stepMetrics.filter { runs.hasMetric($0.key) }
        if !metrics.isEmpty {
            html += "<h3>Training dynamics</h3><p>Per training step, mean over seeds, one line per arm.</p>"
            for (key, label) in metrics { html += "<figure><figcaption>\(Escape.html(label))</figcaption>" + runs.metricChart(key, label: label) + "</figure>" }
        }
        return html + "</section>"
    }

    private static func evaluationsSection(_ data: ReportData) -> String {
        var html = "<section id=\"evaluations\"><h2>Evaluations</h2><p>Evaluation runs: checkpoints evaluated with <code>oneshot eval</code>, and generations made elsewhere re-graded by <code>oneshot eval import</code>.</p>"
        let accuracy = data.evaluationTable, measures = data.evaluationMeasures
        html += "<h3>Accuracy (avg@k) per benchmark</h3>"
        html += table(accuracy.header, accuracy.rows.map { $0.map(Escape.html) }, numeric: Set(1..<accuracy.header.count))
        html += "<h3>All measures, mean over benchmarks</h3>"
        html += table(measures.header, measures.rows.map { $0.map(Escape.html) }, numeric: Set(1..<measures.header.count))
        return html + "</section>"
    }

    private static func definitionsSection() -> String {
        "<section id=\"definitions\"><h2>Definitions</h2><dl>" + ReportData.definitions.map { "<dt>\(Escape.html($0.term))</dt><dd>\(Escape.html($0.meaning))</dd>" }.joined() + "</dl></section>"
    }

    private static func provenanceSection(_ data: ReportData) -> String {
        var html = "<section id=\"provenance\"><h2>Provenance</h2>"
        html += table(["run", "engine", "purpose", "seed", "config", "inputs (sha256)", "tool", "started"], data.provenanceRuns.map { r in
            [Escape.html(r.name), Escape.html(r.engine), r.purpose.rawValue, r.seed.map(String.init) ?? "-",
                    "<code>\(Escape.html(r.config))</code>", "<code>\(Escape.html(r.inputs))</code>", Escape.html(r.toolVersion), Escape.html(r.startedAt)]
        })
        return html + "</section>"
    }

    static let css = SVGChart.css + """

        body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}*{box-sizing:border-box}
        header,main{max-width:1100px;margin:0 auto;padding:0 16px}h1{margin:24px 0 4px}.meta{color:var(--muted);margin:0 0 16px;word-break:break-all}
        section{margin:28px 0;padding-top:8px;border-top:1px solid var(--line)}h2{margin:8px 0 12px}h3{margin:18px 0 8px;font-size:16px}
        .scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:14px}th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
        th{color:var(--muted);font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.text{overflow-wrap:anywhere}
        .src{color:var(--muted);font-size:12px;display:block}code{font-size:12px;overflow-wrap:anywhere}figure{margin:8px 0;overflow-x:auto}
        svg{max-width:100%;height:auto}dt{font-weight:600}dd{margin:0 0 6px 16px;color:var(--muted)}
        @media print{body{font-size:11px}section{break-inside:avoid-page}.scroll{overflow:visible}}
        @media (max-width:600px){body{font-size:14px}th,td{padding:4px}td .text{display:block;min-width:15em}}
        """
}
