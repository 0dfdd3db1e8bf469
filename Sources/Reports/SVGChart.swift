import Foundation

/// Small, dependency-free SVG charts: axes with ticks, histograms, bars, lines and sparklines.
///
/// Charts use `currentColor` and CSS variables so they follow the page's light or dark theme; every label
/// goes through ``Escape/html(_:)``.
public enum SVGChart {
    /// A histogram of `values` in `bins` equal bins over their range.
    public static func histogram(_ values: [Double], bins: Int = 20, width: Int = 560, height: Int = 220,
                                 title: String, xLabel: String) -> String {
        guard let lo = values.min(), let hi = values.max(), !values.isEmpty else { return empty(title, width, height) }
        let span = hi > lo ? hi - lo : 1
        var counts = [Int](repeating: 0, count: bins)
        for v in values { counts[min(bins - 1, Int((v - lo) / span * Double(bins)))] += 1 }
        let frame = Frame(width: width, height: height)
        let top = counts.max() ?? 1
        var body = ""
        let barWidth = frame.plotWidth / Double(bins)
        for (i, c) in counts.enumerated() where c > 0 {
            let h = Double(c) / Double(top) * frame.plotHeight
            body += "<rect class=\"bar\" x=\"\(f(frame.left + Double(i) * barWidth + 1))\" y=\"\(f(frame.bottom - h))\" width=\"\(f(barWidth - 2))\" height=\"\(f(h))\"><title>\(f(lo + Double(i) * span / Double(bins), 3))–\(f(lo + Double(i + 1) * span / Double(bins), 3)): \(c)</title></rect>"
        }
        return frame.svg(title: title, xLabel: xLabel, yLabel: "examples", xRange: (lo, hi), yRange: (0, Double(top)), body: body)
    }

    /// The charts' style: theme colours (light, and dark when the viewer prefers it) and the classes charts use.
    /// The HTML report includes it; ``standalone(_:)`` puts it inside a chart written as its own file.
    public static let css = """
        :root{--bg:#fff;--fg:#1d2330;--muted:#5b6475;--line:#d8dde6;--accent:#2f6fde;--bar:#5b8def;--s0:#2f6fde;--s1:#e0703a;--s2:#2aa876;--s3:#b04fc4;--s4:#c9a227;--s5:#777;--s6:#17a2b8;--s7:#8c564b;--s8:#e377c2;--s9:#9aa11f}
        @media (prefers-color-scheme: dark){:root{--bg:#14171d;--fg:#e4e7ee;--muted:#9aa3b5;--line:#2e3440;--accent:#7aa7ff;--bar:#6f9bff}}
        svg text{fill:var(--fg);font:11px system-ui,-apple-system,"Segoe UI",sans-serif}.axis,.tick{stroke:var(--fg)}.grid{stroke:var(--line)}.bar{fill:var(--bar)}
        .spark polyline{stroke:var(--accent);stroke-width:1.5}.series{stroke-width:2}.s0{stroke:var(--s0);fill:var(--s0)}.s1{stroke:var(--s1);fill:var(--s1)}.s2{stroke:var(--s2);fill:var(--s2)}
        .s3{stroke:var(--s3);fill:var(--s3)}.s4{stroke:var(--s4);fill:var(--s4)}.s5{stroke:var(--s5);fill:var(--s5)}.s6{stroke:var(--s6);fill:var(--s6)}
        .s7{stroke:var(--s7);fill:var(--s7)}.s8{stroke:var(--s8);fill:var(--s8)}.s9{stroke:var(--s9);fill:var(--s9)}polyline.series{fill:none}
        .marker{stroke:var(--fg);stroke-width:1.5;stroke-dasharray:5 4}
        """

    /// A chart as a file of its own (the Markdown report's charts): its style inside it, on the theme's background.
    public static func standalone(_ svg: String) -> String {
        guard let end = svg.firstIndex(of: ">") else { return svg }
        let after = svg.index(after: end)
        return String(svg[..<after]) + "<style>" + css + "svg{background:var(--bg)}</style>" + String(svg[after...])
    }

    /// Distinct series colours (CSS classes s0...); more series than this reuse them.
    static let palette = 10

    /// Lines over a shared x axis: one series per name, the legend above the plot (three per row), and an
    /// optional dashed vertical marker (for example the step where training saturated).
    public static func lines(_ series: [(name: String, points: [(Double, Double)])], width: Int = 560, height: Int = 240,
                             title: String, xLabel: String, yLabel: String, marker: (x: Double, label: String)? = nil) -> String {
        let all = series.flatMap(\.points)
        guard let x0 = all.map(\.0).min(), let x1 = all.map(\.0).max(), let y0 = all.map(\.1).min(), let y1 = all.map(\.1).max() else {
            return empty(title, width, height)
        }
        let entries = series.count + (marker == nil ? 0 : 1), legendRows = (entries + 2) / 3
        let frame = Frame(width: width, height: height + 14 * max(0, legendRows - 1), topMargin: 16 + 14 * Double(legendRows))
        let yLo = min(0, y0), yHi = y1 > yLo ? y1 : yLo + 1
        var body = ""
        for (k, s) in series.enumerated() {
            let path = s.points.map { "\(f(frame.x($0.0, x0, x1))),\(f(frame.y($0.1, yLo, yHi)))" }.joined(separator: " ")
            body += "<polyline class=\"series s\(k % palette)\" fill=\"none\" points=\"\(path)\"/>"
        }
        func legendEntry(_ k: Int, _ swatch: String, _ name: String) -> String {
            "<g transform=\"translate(\(frame.left + 8 + Double(k % 3) * 170),\(12 + Double(k / 3) * 14))\">\(swatch)<text x=\"14\">\(Escape.html(Escape.shortened(name, 24)))</text></g>"
        }
        var legend = series.enumerated().map { k, s in legendEntry(k, "<rect class=\"swatch s\(k % palette)\" width=\"10\" height=\"10\" y=\"-9\"/>", s.name) }.joined()
        if let marker {
            let x = f(frame.x(marker.x, x0, x1))
            body += "<line class=\"marker\" x1=\"\(x)\" y1=\"\(f(frame.topMargin))\" x2=\"\(x)\" y2=\"\(f(frame.bottom))\"/>"
            legend += legendEntry(series.count, "<line class=\"marker\" x1=\"0\" y1=\"-4\" x2=\"10\" y2=\"-4\"/>", marker.label)
        }
        return frame.svg(title: title, xLabel: xLabel, yLabel: yLabel, xRange: (x0, x1), yRange: (yLo, yHi), body: body + legend)
    }

    /// A tiny line of accuracies in [0, 1], for tables.
    public static func sparkline(_ values: [Double], width: Int = 120, height: Int = 24) -> String {
        guard values.count > 1 else { return "" }
        let points = values.enumerated().map { i, v in
            "\(f(Double(i) / Double(values.count - 1) * Double(width - 2) + 1)),\(f(Double(height - 2) - min(1, max(0, v)) * Double(height - 4)))"
        }.joined(separator: " ")
        return "<svg class=\"spark\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"accuracy history\"><polyline fill=\"none\" points=\"\(points)\"/></svg>"
    }

    private static func empty(_ title: String, _ width: Int, _ height: Int) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(Escape.html(title))\"><text x=\"10\" y=\"20\">no data</text></svg>"
    }

    static func f(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }

    /// The plotting area and its axes.
    struct Frame {
        let width: Int, height: Int
        var topMargin = 28.0
        let left = 52.0, right = 12.0, bottomMargin = 40.0
        var bottom: Double { Double(height) - bottomMargin }
        var plotWidth: Double { Double(width) - left - right }
        var plotHeight: Double { Double(height) - topMargin - bottomMargin }
        func x(_ v: Double, _ lo: Double, _ hi: Double) -> Double { left + (hi > lo ? (v - lo) / (hi - lo) : 0.5) * plotWidth }
        func y(_ v: Double, _ lo: Double, _ hi: Double) -> Double { bottom - (hi > lo ? (v - lo) / (hi - lo) : 0) * plotHeight }

        func svg(title: String, xLabel: String, yLabel: String, xRange: (Double, Double), yRange: (Double, Double), body: String) -> String {
            var ticks = ""
            for k in 0...4 {
                let t = Double(k) / 4
                let xv = xRange.0 + t * (xRange.1 - xRange.0), yv = yRange.0 + t * (yRange.1 - yRange.0)
                let px = left + t * plotWidth, py = bottom - t * plotHeight
                ticks += "<line class=\"tick\" x1=\"\(f(px))\" y1=\"\(f(bottom))\" x2=\"\(f(px))\" y2=\"\(f(bottom + 4))\"/><text class=\"tl\" x=\"\(f(px))\" y=\"\(f(bottom + 16))\" text-anchor=\"middle\">\(label(xv))</text>"
                ticks += "<line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(py))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(py))\"/><text class=\"tl\" x=\"\(f(left - 6))\" y=\"\(f(py + 4))\" text-anchor=\"end\">\(label(yv))</text>"
            }
            return """
                <svg xmlns="http://www.w3.org/2000/svg" class="chart" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" role="img" aria-label="\(Escape.html(title))">\
                <title>\(Escape.html(title))</title>\(ticks)\
                <line class="axis" x1="\(f(left))" y1="\(f(bottom))" x2="\(f(left + plotWidth))" y2="\(f(bottom))"/>\
                <line class="axis" x1="\(f(left))" y1="\(f(topMargin))" x2="\(f(left))" y2="\(f(bottom))"/>\(body)\
                <text class="al" x="\(f(left + plotWidth / 2))" y="\(height - 6)" text-anchor="middle">\(Escape.html(xLabel))</text>\
                <text class="al" transform="translate(12,\(f(topMargin + plotHeight / 2))) rotate(-90)" text-anchor="middle">\(Escape.html(yLabel))</text>\
                </svg>
                """
        }

        private func label(_ v: Double) -> String {
            abs(v) >= 100 || v == v.rounded() ? String(Int(v.rounded())) : f(v, abs(v) < 1 ? 2 : 1)
        }
    }
}
