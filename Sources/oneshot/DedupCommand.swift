import ArgumentParser
import Corpus
import Store
import JSON

/// `oneshot dedup`: find exact and near-duplicate problems within and across datasets.
struct Dedup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find exact and near-duplicate problems (within and across datasets).",
        discussion: """
            Exact: same normalised text (NFKC, white space, LaTeX spelling variants; numbers kept). Near: \
            MinHash over token 5-grams with LSH, confirmed by real Jaccard similarity >= --threshold. \
            Nothing is deleted: clusters are stored and later stages use one representative per cluster.
            """)

    @OptionGroup var options: StoreOptions

    @Option(name: .customLong("dataset"), help: "Dataset to include (repeatable; default: all).")
    var datasets: [String] = []

    @Option(help: "Jaccard similarity at or above which two problems are near duplicates.")
    var threshold: Double = 0.8

    @Option(help: "How many clusters to print (human output).")
    var show: Int = 10

    func validate() throws {
        guard threshold > 0 && threshold <= 1 else { throw ValidationError("--threshold must be in (0, 1]") }
    }

    mutating func run() throws {
        let store = try options.open()
        let chosen = datasets.isEmpty ? try store.datasets() : try store.datasets(named: datasets)
        let deduplicator = Deduplicator(threshold: threshold)
        let progress = ProgressLine("hashing")
        var timings = DedupTimings()
        let clusters = try deduplicator.run(store: store, datasets: chosen, timings: &timings, progress: progress.update)
        progress.finish()
        let labels = try store.clusteredExampleLabels()
        let members = clusters.map { cluster in cluster.members.map { m in (m, labels[m.exampleID]) } }
        if options.json {
            printJSON(.object(JSONObject([
                "threshold": .double(threshold), "bands": .int(Int64(deduplicator.banding.bands)),
                "rows": .int(Int64(deduplicator.banding.rows)),
                "seconds": .object(JSONObject(["read": .double(timings.read), "cluster": .double(timings.cluster),
                                               "write": .double(timings.write)])),
                "clusters": .array(zip(clusters, members).map { cluster, members in .object(JSONObject([
                    "kind": .string(cluster.kind.rawValue),
                    "representative_id": .int(cluster.representativeID),
                    "members": .array(members.map { m, e in .object(JSONObject([
                        "dataset": .string(e?.dataset ?? ""), "example_id": .int(m.exampleID),
                        "source_index": e?.sourceIndex.map(JSONValue.string) ?? .null,
                        "similarity": .double(m.similarity),
                    ])) }),
                ])) }),
            ])))
            return
        }
        let exact = clusters.filter { $0.kind == .exact }.count
        let duplicates = clusters.reduce(0) { $0 + $1.members.count - 1 }
        print("\(clusters.count) clusters (\(exact) exact, \(clusters.count - exact) near) over \(chosen.count) dataset(s); \(duplicates) examples duplicate a representative")
        print("MinHash: 128 permutations, \(deduplicator.banding.bands) bands x \(deduplicator.banding.rows) rows, Jaccard >= \(threshold)")
        for (cluster, members) in zip(clusters, members).prefix(show) {
            print("\n[\(cluster.kind.rawValue)] \(cluster.members.count) members")
            for (m, e) in members {
                let where_ = "\(e?.dataset ?? "?")#\(e?.sourceIndex ?? String(e?.position ?? 0))"
                let problem = try store.example(id: m.exampleID)?.problem ?? ""
                print("  \(m.exampleID == cluster.representativeID ? "*" : " ") \(String(format: "%.2f", m.similarity))  id \(m.exampleID)  \(where_)  \(shorten(problem, 70))")
            }
        }
    }
}

/// One line of at most `width` characters.
func shorten(_ text: String, _ width: Int) -> String {
    let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
    return line.count <= width ? line : String(line.prefix(width - 1)) + "…"
}
