import Testing
@testable import Corpus
import Store

@Suite struct DedupTests {
    @Test func bandingMatchesDatasketchForItsDefaults() {
        #expect(LSHBanding.optimal(threshold: 0.8, permutations: 128) == LSHBanding(bands: 9, rows: 13))
    }

    @Test func minhashEstimatesJaccard() {
        let hasher = MinHasher(permutations: 256)
        let a = (0..<200).map { Shingles.mix(UInt64($0)) }
        let b = Array(a[50...]) + (1000..<1050).map { Shingles.mix(UInt64($0)) }   // J = 150/250
        let sa = hasher.signature(a), sb = hasher.signature(b)
        let estimate = Double(zip(sa, sb).filter { $0 == $1 }.count) / 256
        #expect(abs(estimate - 0.6) < 0.08)
    }

    @Test func dsrSubHasItsKnownTriple() throws {
        let (store, _, _) = try Fixtures.imported(Fixtures.shippedFile("one-shot-rlvr/dsr_sub.jsonl"))
        let clusters = try Deduplicator().run(store: store, datasets: store.datasets())
        let indexOf = { (id: Int64) in try store.example(id: id)?.sourceIndex }
        let sets = try clusters.map { c in Set(try c.members.map { try indexOf($0.exampleID) ?? "" }) }
        #expect(sets.contains(["136", "780", "899"]))
        let triple = try #require(clusters.first { $0.members.count == 3 })
        #expect(triple.kind == .exact && triple.members.allSatisfy { $0.similarity == 1 })
        #expect(try indexOf(triple.representativeID) == "136")
    }

    private func docs(_ texts: [String]) -> [Deduplicator.Document] {
        texts.enumerated().map { Deduplicator.Document(id: Int64($0.offset + 1), text: $0.element) }
    }

    @Test func nearDuplicatesJoinButDifferentNumbersDoNot() {
        let base = "A bag holds red and blue marbles. If three marbles are drawn at random without replacement, what is the probability that all three are red when the bag holds 5 red and 7 blue marbles?"
        let reworded = "A bag holds red and blue marbles. If three marbles are drawn at random without replacement, what is the probability that all three are red when the bag holds 5 red and 7 blue marbles in total?"
        let otherNumbers = base.replacingOccurrences(of: "5 red and 7 blue", with: "6 red and 9 blue")
        let clusters = Deduplicator(threshold: 0.8).clusters(docs([base, reworded, otherNumbers]))
        #expect(clusters.count == 1)
        #expect(Set(clusters[0].members.map(\.exampleID)) == [1, 2])
        #expect(clusters[0].kind == .near)
        #expect(clusters[0].members[1].similarity >= 0.8 && clusters[0].members[1].similarity < 1)
    }

    @Test func shortProblemsAreComparedExactlyOnly() {
        let clusters = Deduplicator(threshold: 0.5).clusters(docs(["Compute $\\binom{8}{4}$.", "Compute $\\binom{8}{3}$.", "Compute $\\dbinom{8}{4}$."]))
        #expect(clusters.count == 1)
        #expect(Set(clusters[0].members.map(\.exampleID)) == [1, 3])
    }

    @Test func crossDatasetClusters() throws {
        let store = try Fixtures.store()
        let importer = Importer(store: store)
        _ = try importer.importFile(Fixtures.sharedFile("deepscaler-components/train_aime.json"), options: ImportOptions())
        _ = try importer.importFile(Fixtures.shippedFile("one-shot-rlvr/dsr_sub.jsonl"), options: ImportOptions())
        let clusters = try Deduplicator().run(store: store, datasets: store.datasets())
        let crossing = try clusters.filter { c in Set(try c.members.map { try store.example(id: $0.exampleID)!.datasetName }).count == 2 }
        // shared/datasets/deepscaler-components/README.md: 37 dsr_sub rows are AIME problems.
        #expect(crossing.count >= 37)
    }
}

@Suite struct DecontaminationTests {
    @Test func mathTestCoversAllOfMath500() throws {
        let store = try Fixtures.store()
        let importer = Importer(store: store)
        _ = try importer.importFile(Fixtures.sharedFile("math-hendrycks/test.jsonl"), options: ImportOptions(dataset: "math-test"))
        let catalog = BenchmarkCatalog(directory: Fixtures.shippedFile("benchmarks"))
        let math500 = try catalog.dataset("math500", in: store)
        #expect(math500.role == .benchmark)
        let train = try #require(try store.dataset(named: "math-test"))
        let matches = try Decontaminator().run(store: store, dataset: train, benchmarks: [math500])
        #expect(Set(matches.map(\.benchmarkExampleID)).count == 500)
    }

    @Test func aimeHistoryIsNotFlaggedAgainstNewAIME() throws {
        let store = try Fixtures.store()
        _ = try Importer(store: store).importFile(Fixtures.sharedFile("deepscaler-components/train_aime.json"), options: ImportOptions(dataset: "aime-history"))
        let catalog = BenchmarkCatalog(directory: Fixtures.shippedFile("benchmarks"))
        let benchmarks = try ["aime24", "aime25"].map { try catalog.dataset($0, in: store) }
        let matches = try Decontaminator().run(store: store, dataset: try #require(try store.dataset(named: "aime-history")), benchmarks: benchmarks)
        #expect(matches.isEmpty)
    }

    @Test func coverageNotAnySharedNGram() {
        let bench = [Decontaminator.Item(id: 100, text: "Find the remainder when $2^{100}$ is divided by $1000$ and then add seven to it please.")]
        let boilerplate = Decontaminator.Item(id: 1, text: "Let n be the number of ways to tile the board. Find the remainder when n is divided by 1000.")
        let copy = Decontaminator.Item(id: 2, text: "Problem 4. Find the remainder when $2^{100}$ is divided by $1000$ and then add seven to it please.")
        let matches = Decontaminator().matches(examples: [boilerplate, copy], benchmark: bench)
        #expect(matches.map(\.exampleID) == [2])
        #expect(matches[0].coverage == 1)
    }

    @Test func shortBenchmarkItemsMatchWhole() {
        let bench = [Decontaminator.Item(id: 100, text: "Compute $\\dbinom{8}{4}$.")]
        let matches = Decontaminator().matches(examples: [
            .init(id: 1, text: "Exercise: compute $\\binom{8}{4}$."),
            .init(id: 2, text: "Compute $\\binom{9}{4}$."),
        ], benchmark: bench)
        #expect(matches.map(\.exampleID) == [1])
    }
}
