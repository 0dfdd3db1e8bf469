import Store

/// Wall-clock seconds of a deduplication's stages.
public struct DedupTimings: Sendable {
    public var read = 0.0
    public var cluster = 0.0
    public var write = 0.0
    public init() {}
}

extension Deduplicator {
    /// Clusters the examples of `datasets` and stores the clusters (replacing earlier ones touching them).
    public func run(store: Store, datasets: [DatasetRecord], timings: inout DedupTimings,
                    progress: (Int) -> Void = { _ in }) throws -> [DuplicateCluster] {
        var clock = ContinuousClock.now
        func lap() -> Double {
            let now = ContinuousClock.now
            defer { clock = now }
            let d = now - clock
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        var documents: [Document] = []
        try store.forEachProblem(datasetIDs: datasets.map(\.id)) { id, problem in
            documents.append(Document(id: id, text: problem))
        }
        timings.read = lap()
        let found = clusters(documents, progress: progress)
        timings.cluster = lap()
        let stored = try store.replaceClusters(touching: datasets.map(\.id), with: found)
        timings.write = lap()
        return stored.sorted { ($0.members.count, -$0.id) > ($1.members.count, -$1.id) }
    }

    /// Clusters the examples of `datasets` and stores the clusters (replacing earlier ones touching them).
    public func run(store: Store, datasets: [DatasetRecord], progress: (Int) -> Void = { _ in }) throws -> [DuplicateCluster] {
        var timings = DedupTimings()
        return try run(store: store, datasets: datasets, timings: &timings, progress: progress)
    }
}

extension Decontaminator {
    /// Compares `dataset` with each benchmark and stores the matches (replacing earlier ones for these pairs).
    public func run(store: Store, dataset: DatasetRecord, benchmarks: [DatasetRecord],
                    progress: (Int) -> Void = { _ in }) throws -> [ContaminationMatch] {
        let examples = try store.examples(datasetIDs: [dataset.id]).map { Item(id: $0.id, text: $0.problem) }
        let items = try store.examples(datasetIDs: benchmarks.map(\.id)).map { Item(id: $0.id, text: $0.problem) }
        let found = matches(examples: examples, benchmark: items, progress: progress).map {
            ContaminationMatch(exampleID: $0.exampleID, benchmarkExampleID: $0.benchmarkID, ngram: n,
                               coverage: $0.coverage, shared: $0.shared)
        }
        try store.replaceContamination(datasetID: dataset.id, benchmarkIDs: benchmarks.map(\.id), with: found)
        return found
    }
}
