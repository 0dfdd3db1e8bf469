import Store

extension Deduplicator {
    /// Clusters the examples of `datasets` and stores the clusters (replacing earlier ones touching them).
    public func run(store: Store, datasets: [DatasetRecord], progress: (Int) -> Void = { _ in }) throws -> [DuplicateCluster] {
        var documents: [Document] = []
        try store.forEachProblem(datasetIDs: datasets.map(\.id)) { id, problem in
            documents.append(Document(id: id, text: problem))
        }
        documents.sort { $0.id < $1.id }
        let found = clusters(documents, progress: progress)
        return try store.replaceClusters(touching: datasets.map(\.id), with: found)
            .sorted { ($0.members.count, -$0.id) > ($1.members.count, -$1.id) }
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
