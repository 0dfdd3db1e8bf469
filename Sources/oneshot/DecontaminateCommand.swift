import ArgumentParser
import Corpus
import Store
import JSON

/// `oneshot decontaminate`: flag training problems that reproduce benchmark items.
struct Decontaminate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Flag training examples that cover a benchmark item's n-grams.",
        discussion: """
            A training example is flagged when it contains at least --min-coverage of a benchmark item's \
            distinct token n-grams (a coverage rule, not 'any shared n-gram', which flags boilerplate). \
            The shipped benchmarks (\(BenchmarkCatalog.names.joined(separator: ", "))) are imported on first use; \
            any imported dataset can be named too.
            """)

    @OptionGroup var options: StoreOptions

    @Option(help: "The training dataset to check.")
    var dataset: String

    @Option(parsing: .upToNextOption, help: "Benchmarks to check against (default: the paper's six).")
    var against: [String] = []

    @Option(help: "n of the token n-grams.")
    var ngram: Int = 8

    @Option(help: "Share of a benchmark item's n-grams that flags a training example.")
    var minCoverage: Double = 0.5

    func validate() throws {
        guard ngram >= 3 else { throw ValidationError("--ngram must be at least 3") }
        guard minCoverage > 0 && minCoverage <= 1 else { throw ValidationError("--min-coverage must be in (0, 1]") }
    }

    mutating func run() throws {
        let store = try options.open()
        guard let train = try store.datasets(named: [dataset]).first else { return }
        let names = against.isEmpty ? BenchmarkCatalog.paperSix : against
        let catalog = BenchmarkCatalog.locate() ?? BenchmarkCatalog(directory: "datasets/benchmarks")
        let benchmarks = try names.map { try catalog.dataset($0, in: store) }
        let decontaminator = Decontaminator(n: ngram, minCoverage: minCoverage)
        let progress = ProgressLine("checking \(dataset)")
        let matches = try decontaminator.run(store: store, dataset: train, benchmarks: benchmarks, progress: progress.update)
        progress.finish()
        let flagged = Set(matches.map(\.exampleID))
        var perBenchmark: [String: Int] = [:]
        var rows: [(ContaminationMatch, ExampleRecord?, ExampleRecord?)] = []
        for m in matches {
            let e = try store.example(id: m.exampleID), b = try store.example(id: m.benchmarkExampleID)
            perBenchmark[b?.datasetName ?? "?", default: 0] += 1
            rows.append((m, e, b))
        }
        if options.json {
            printJSON(.object(JSONObject([
                "dataset": .string(dataset), "against": .array(names.map(JSONValue.string)),
                "ngram": .int(Int64(ngram)), "min_coverage": .double(minCoverage),
                "flagged": .int(Int64(flagged.count)),
                "matches": .array(rows.map { m, e, b in .object(JSONObject([
                    "example_id": .int(m.exampleID), "source_index": e?.sourceIndex.map(JSONValue.string) ?? .null,
                    "benchmark": .string(b?.datasetName ?? ""), "benchmark_example_id": .int(m.benchmarkExampleID),
                    "benchmark_source_index": b?.sourceIndex.map(JSONValue.string) ?? .null,
                    "coverage": .double(m.coverage), "shared": .int(Int64(m.shared)),
                ])) }),
            ])))
            return
        }
        print("\(dataset): \(flagged.count) of \(try store.examples(datasetIDs: [train.id]).count) examples flagged (\(matches.count) matches; \(ngram)-grams, coverage >= \(minCoverage))")
        for name in names { print("  \(name): \(perBenchmark[name] ?? 0) matches") }
        for (m, e, b) in rows.prefix(5) {
            print("\n  id \(m.exampleID) covers \(String(format: "%.0f%%", m.coverage * 100)) of \(b?.datasetName ?? "?") id \(m.benchmarkExampleID)")
            print("    train: \(shorten(e?.problem ?? "", 90))")
            print("    bench: \(shorten(b?.problem ?? "", 90))")
        }
        if rows.count > 5 { print("\n  ... `oneshot show ID` prints both texts of a match") }
    }
}
