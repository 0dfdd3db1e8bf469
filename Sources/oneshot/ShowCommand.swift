import ArgumentParser
import Corpus
import Store
import JSON

/// `oneshot show ID`: one example in full, with its duplicates and contamination matches.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print an example, its duplicate cluster and any benchmark item it matches.")

    @OptionGroup var options: StoreOptions

    @Argument(help: "The example id (as printed by dedup, decontaminate and --json outputs).")
    var id: Int64

    mutating func run() throws {
        let store = try options.open()
        guard let example = try store.example(id: id) else { throw ValidationError("no example with id \(id) in \(options.path)") }
        let matches = try store.contamination(involving: id)
        let cluster = try store.clusters().first { $0.members.contains { $0.exampleID == id } }
        if options.json {
            printJSON(.object(JSONObject([
                "example": json(example),
                "cluster": cluster.map { c in .object(JSONObject([
                    "kind": .string(c.kind.rawValue), "representative_id": .int(c.representativeID),
                    "members": .array(c.members.map { .object(JSONObject(["example_id": .int($0.exampleID), "similarity": .double($0.similarity)])) }),
                ])) } ?? .null,
                "matches": .array(try matches.map { m in .object(JSONObject([
                    "example": json(try store.example(id: m.exampleID)),
                    "benchmark_example": json(try store.example(id: m.benchmarkExampleID)),
                    "coverage": .double(m.coverage), "shared": .int(Int64(m.shared)), "ngram": .int(Int64(m.ngram)),
                ])) }),
            ])))
            return
        }
        printExample(example)
        if let cluster {
            print("\nduplicate cluster (\(cluster.kind.rawValue), \(cluster.members.count) members, representative \(cluster.representativeID)):")
            for m in cluster.members where m.exampleID != id {
                let other = try store.example(id: m.exampleID)
                print("  id \(m.exampleID)  \(other?.datasetName ?? "?")  similarity \(String(format: "%.2f", m.similarity))")
            }
        }
        for m in matches {
            let otherID = m.exampleID == id ? m.benchmarkExampleID : m.exampleID
            guard let other = try store.example(id: otherID) else { continue }
            print("\n--- matches \(other.datasetName) id \(otherID): \(String(format: "%.0f%%", m.coverage * 100)) of the benchmark item's \(m.ngram)-grams (\(m.shared) shared)")
            printExample(other)
        }
    }

    private func printExample(_ e: ExampleRecord) {
        print("id \(e.id)  dataset \(e.datasetName)  position \(e.position)  line \(e.line)  source index \(e.sourceIndex ?? "-")")
        print("problem:\n\(e.problem)")
        print("answer: \(e.answer ?? "-")")
        if let s = e.solution { print("solution:\n\(s)") }
    }

    private func json(_ e: ExampleRecord?) -> JSONValue {
        guard let e else { return .null }
        return .object(exampleJSON(e))
    }
}

/// An example as a JSON object (the fields `export` writes).
func exampleJSON(_ e: ExampleRecord) -> JSONObject {
    var o = JSONObject()
    o["id"] = .int(e.id)
    o["dataset"] = .string(e.datasetName)
    o["source_index"] = e.sourceIndex.map(JSONValue.string) ?? .null
    o["problem"] = .string(e.problem)
    o["answer"] = e.answer.map(JSONValue.string) ?? .null
    o["solution"] = e.solution.map(JSONValue.string) ?? .null
    o["metadata"] = (try? JSONParser.parse(e.metadata)) ?? .object(JSONObject())
    return o
}
