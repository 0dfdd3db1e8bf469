import Foundation
import Selection

/// The report as GitHub-flavoured Markdown, with its charts as SVG files beside it.
public enum MarkdownReport {
    /// The Markdown text and the chart files it links to (file name -> SVG).
    public static func render(_ data: ReportData) -> (markdown: String, charts: [String: String]) {
        var md = "# OneShotKit report\n\n`\(data.storePath.replacingOccurrences(of: "`", with: "'"))` · \(data.generatedAt)\n\n"
        var charts: [String: String] = [:]
        md += "## Data\n\n"
        md += table(["dataset", "role", "rows", "rejected", "skipped", "duplicate clusters", "in clusters", "contaminated"], data.datasets.map { s in
            [s.name, s.role.rawValue, "\(s.rows)", "\(s.rejected)", "\(s.skipped)", "\(s.clusters)", "\(s.inClusters)", "\(s.contaminated)"]
        })
        if !data.rejects.isEmpty {
            md += "\n### Rejected rows (first \(data.rejects.count))\n\n"
            md += table(["file:line", "field", "reason"], data.rejects.map { ["\(($0.path as NSString).lastPathComponent):\($0.row.line)", $0.row.field ?? "-", $0.row.reason] })
        }
        if !data.largestClusters.isEmpty {
            md += "\n## Duplicates\n\n\(data.clusterCount) clusters; the largest:\n"
            for c in data.largestClusters {
                md += "\n### \(c.cluster.kind.rawValue), \(c.cluster.members.count) members\n\n"
                md += table(["", "dataset", "index", "similarity", "problem"], zip(c.cluster.members, c.members).map { m, e in
                    [m.exampleID == c.cluster.representativeID ? "★" : "", e.datasetName, e.sourceIndex ?? "-", String(format: "%.2f", m.similarity), Escape.shortened(e.problem, 200)]
                })
            }
        }
        if !data.contamination.isEmpty {
            md += "\n## Contamination\n\nFlagged when a training example contains at least half of a benchmark item's token 8-grams.\n"
            for c in data.contamination {
                md += "\n### \(Escape.markdownCell(c.benchmark))\n\n"
                md += table(["coverage", "training example", "benchmark item"], c.pairs.map { p in
                    [String(format: "%.0f%%", p.coverage * 100), "\(p.train.datasetName)#\(p.train.sourceIndex ?? "-"): \(Escape.shortened(p.train.problem, 200))",
                     "\(p.item.datasetName)#\(p.item.sourceIndex ?? "-"): \(Escape.shortened(p.item.problem, 200))"]
                })
            }
        }
        for s in data.selections {
            let chart = "selection-\(fileSafe(s.run.name))-std.svg"
            charts[chart] = SVGChart.histogram(s.standardDeviations, title: "Distribution of the standard deviation", xLabel: "standard deviation of training accuracy")
            md += "\n## Selection: \(Escape.markdownCell(s.run.name))\n\n\(s.historyCount) accuracy histories over **\(Escape.markdownCell(s.datasetName))**, ranked by historical variance (population standard deviation; π_i is rank i).\n\n![Distribution of the standard deviation](\(chart))\n\n"
            md += table(["π", "index", "std", "mean", "history", "answer", "problem"], s.top.map { r, e in
                ["π\(r.rank)", e?.sourceIndex ?? "-", String(format: "%.4f", r.score), String(format: "%.3f", r.history.meanAccuracy),
                 sparkline(r.history.accuracies), Escape.shortened(e?.answer ?? "-", 30), Escape.shortened(e?.problem ?? "", 160)]
            })
            md += "\nOverlap of the top \(s.overlapSize) between scores:\n\n"
            md += table(["scores", "shared examples"], s.overlaps.map { ["\($0.a.rawValue) / \($0.b.rawValue)", "\($0.shared)"] })
        }
        if let runs = data.runs {
            md += "\n## Runs\n\nAccuracy at each run's last evaluation, mean ± standard deviation over seeds (runs named NAME-s1, NAME-s2, ... are seeds of NAME), in %; the best of each column in bold.\n\n"
            md += table(["arm"] + runs.benchmarks + ["average"], runs.formattedRows.map { row in
                [row.label] + row.cells.map { $0.best ? "**\($0.text)**" : $0.text }
            })
            md += "\nTraining reward (accuracy on the arm's own examples) and test accuracy per benchmark over steps (the vertical line: training reward saturated):\n\n"
            for arm in runs.arms {
                let chart = "runs-\(fileSafe(arm.name)).svg"
                charts[chart] = runs.chart(arm)
                md += "![\(Escape.markdownCell(arm.name))](\(chart))\n"
            }
            let metrics = RunComparison.stepMetrics.filter { runs.hasMetric($0.key) }
            if !metrics.isEmpty {
                md += "\nTraining dynamics, per step, mean over seeds, one line per arm:\n\n"
                for (key, label) in metrics {
                    let chart = "dynamics-\(key).svg"
                    charts[chart] = runs.metricChart(key, label: label)
                    md += "![\(Escape.markdownCell(label))](\(chart))\n"
                }
            }
        }
        if !data.evaluationRuns.isEmpty {
            md += "\n## Evaluations\n\nCheckpoints evaluated with `oneshot eval`, and generations made elsewhere re-graded by `oneshot eval import`.\n"
            let accuracy = data.evaluationTable, measures = data.evaluationMeasures
            md += "\nAccuracy (avg@k) per benchmark:\n\n" + table(accuracy.header, accuracy.rows)
            md += "\nAll measures, mean over benchmarks:\n\n" + table(measures.header, measures.rows)
        }
        if data.runs != nil || !data.evaluationRuns.isEmpty {
            md += "\n## Definitions\n\n" + ReportData.definitions.map { "- **\($0.term)**: \(Escape.markdownCell($0.meaning))\n" }.joined()
        }
        let provenance = data.provenanceRuns
        if !provenance.isEmpty {
            md += "\n## Provenance\n\n"
            md += table(["run", "engine", "purpose", "seed", "config", "inputs (sha256)", "tool", "started"], provenance.map { r in
                [r.name, r.engine, r.purpose.rawValue, r.seed.map(String.init) ?? "-", r.config, r.inputs, r.toolVersion, r.startedAt]
            })
        }
        return (md, charts.mapValues(SVGChart.standalone))
    }

    private static func table(_ header: [String], _ rows: [[String]]) -> String {
        var out = "| " + header.map(Escape.markdownCell).joined(separator: " | ") + " |\n"
        out += "|" + String(repeating: " --- |", count: header.count) + "\n"
        for row in rows { out += "| " + row.map(Escape.markdownCell).joined(separator: " | ") + " |\n" }
        return out
    }

    static func fileSafe(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }
}
