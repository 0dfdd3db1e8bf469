import Foundation
import Testing
@testable import Reports
import Store

/// The HTML report in a real browser (headless Chromium, Debian's `chromium`, which `make test` installs):
/// it loads with no request leaving the file and no console message, dataset text creates no element, and
/// at phone width nothing makes the page scroll sideways. Screenshots at desktop and phone width are kept
/// in the folder the test prints, to look at.
@Suite(.serialized) struct BrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The report store with training runs (curves, dynamics) and an evaluation run added.
    func fullStore() throws -> Store {
        let store = try reportStore()
        for name in ["pi1-s1", "pi1-s2", "full-s1"] {
            let run = try store.startRun(NewRun(name: name, engine: "builtin", purpose: .train, datasetID: nil), examples: [])
            for step in stride(from: 0, through: 40, by: 10) {
                for benchmark in ["synth:add", "synth:sub", "synth:add3"] {
                    try store.recordEvaluation(runID: run.id, EvaluationRecord(step: step, benchmark: benchmark, problems: 50, samples: 1,
                                                                               correct: 20 + step / 2, solved: 20 + step / 2, boxed: 40, meanLength: 30,
                                                                               temperature: 0, majority: 20, reflective: 0))
                }
            }
            for step in 1...40 {
                try store.recordStep(runID: run.id, step: step, metrics: #"{"reward":\#(min(1, Double(step) / 20)),"entropy":\#(1.0 / Double(step)),"kl":\#(Double(step) * 1e-4),"response_length":40,"reflection_rate":0}"#, points: [])
            }
            try store.finishRun(runID: run.id, status: .done)
        }
        let eval = try store.startRun(NewRun(name: "qwen-<b>eval</b>", engine: "import", purpose: .eval, datasetID: nil), examples: [])
        try store.recordEvaluation(runID: eval.id, EvaluationRecord(step: 0, benchmark: "math500", problems: 500, samples: 8, correct: 1500,
                                                                    solved: 400, boxed: 3800, meanLength: 1900, temperature: 0.6, majority: 300, reflective: 120))
        try store.finishRun(runID: eval.id, status: .done)
        return store
    }

    /// Runs Chromium headless on `page` at `width`; returns its stderr and the requests the page made (from the net log).
    func load(_ page: URL, width: Int, in dir: URL, screenshot: String? = nil, dumpDOM: Bool = false) throws -> (stdout: String, stderr: String, requests: [String]) {
        let netLog = dir.appendingPathComponent("net-\(width)-\(UUID().uuidString).json")
        var arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--enable-logging=stderr", "--v=0",
                         "--user-data-dir=\(dir.appendingPathComponent("profile").path)", "--log-net-log=\(netLog.path)",
                         "--window-size=\(width),4000", "--hide-scrollbars"]
        if let screenshot { arguments.append("--screenshot=\(dir.appendingPathComponent(screenshot).path)") }
        if dumpDOM { arguments += ["--dump-dom", "--virtual-time-budget=2000"] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BrowserTests.chromium!)
        process.arguments = arguments + [page.absoluteString]
        let out = dir.appendingPathComponent("out.txt"), err = dir.appendingPathComponent("err.txt")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        // Requests the page started: the browser's own background traffic has no initiating origin.
        let log = try JSONSerialization.jsonObject(with: Data(contentsOf: netLog)) as? [String: Any] ?? [:]
        let types = (log["constants"] as? [String: Any])?["logEventTypes"] as? [String: Int] ?? [:]
        let startJob = try #require(types["URL_REQUEST_START_JOB"])
        let requests = (log["events"] as? [[String: Any]] ?? []).compactMap { event -> String? in
            guard event["type"] as? Int == startJob, let params = event["params"] as? [String: Any], let url = params["url"] as? String,
                  params["initiator"] as? String != "not an origin" else { return nil }
            return url
        }
        return (try String(contentsOf: out, encoding: .utf8), try String(contentsOf: err, encoding: .utf8), requests)
    }

    @Test func reportLoadsOfflineCleanlyAtDesktopAndPhoneWidth() throws {
        guard BrowserTests.chromium != nil else {
            if ProcessInfo.processInfo.environment["ONESHOT_SKIP_BROWSER"] == nil {
                Issue.record("chromium not found: `make test` installs Debian's chromium package (ONESHOT_SKIP_BROWSER=1 skips this test)")
            }
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let html = HTMLReport.render(try ReportData(store: try fullStore()))
        let page = dir.appendingPathComponent("index.html")
        try html.write(to: page, atomically: true, encoding: .utf8)
        print("browser screenshots: \(dir.path)/desktop.png, phone.png")

        for (name, width) in [("desktop", 1280), ("phone", 390)] {
            let loaded = try load(page, width: width, in: dir, screenshot: "\(name).png")
            let console = loaded.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }
            #expect(console.isEmpty, "console messages at \(name) width: \(console)")
            #expect(loaded.requests.allSatisfy { $0.hasPrefix("file://") }, "requests leaving the file: \(loaded.requests)")
            let size = (try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("\(name).png").path)[.size] as? Int) ?? 0
            #expect(size > 20_000, "the \(name) screenshot is nearly empty (\(size) bytes)")
        }

        // The same page with a measuring script (the report's own policy forbids scripts, so it is removed here):
        // at phone width the page must not scroll sideways (wide tables scroll inside their own box), and the
        // hostile dataset text must have made no element.
        let measuring = html.replacingOccurrences(of: #"<meta http-equiv="Content-Security-Policy""#, with: #"<meta name="removed-csp""#)
            .replacingOccurrences(of: "</body>", with: """
                <script>document.title = "layout " + document.documentElement.scrollWidth + " " + window.innerWidth + " img " + document.images.length + " scripts " + document.scripts.length;</script></body>
                """)
        let measured = dir.appendingPathComponent("measure.html")
        try measuring.write(to: measured, atomically: true, encoding: .utf8)
        let dom = try load(measured, width: 390, in: dir, dumpDOM: true).stdout
        let title = try #require(dom.firstMatch(of: #/<title>layout (\d+) (\d+) img (\d+) scripts (\d+)</title>/#), "no measurement in: \(dom.prefix(300))")
        let (scrollWidth, innerWidth) = (Int(title.output.1)!, Int(title.output.2)!)
        #expect(innerWidth > 0 && scrollWidth <= innerWidth, "the page is \(scrollWidth) px wide in a \(innerWidth) px window")
        #expect(title.output.3 == "0" && title.output.4 == "1")   // no <img> from '"><img src=x onerror=...>', only the measuring script
    }
}
