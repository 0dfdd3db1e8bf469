import ArgumentParser
import Corpus
import Foundation
import Store
import JSON

/// `oneshot export`: write a dataset back out as JSONL.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a dataset as JSONL (id, dataset, source_index, problem, answer, solution, metadata).")

    @OptionGroup var options: StoreOptions

    @Option(help: "The dataset to export.")
    var dataset: String

    @Option(help: "The JSONL file to write.")
    var out: String

    @Flag(help: "Keep one representative per duplicate cluster.")
    var representatives = false

    @Flag(help: "Drop examples flagged by decontamination.")
    var clean = false

    @Flag(help: "Add each problem's normalised token sequence (what dedup and decontamination compare).")
    var normalized = false

    mutating func run() throws {
        let store = try options.open()
        guard let record = try store.datasets(named: [dataset]).first else { return }
        let dropDuplicates = representatives ? try store.nonRepresentativeExampleIDs() : []
        let dropContaminated = clean ? try store.contaminatedExampleIDs(datasetID: record.id) : []
        guard FileManager.default.createFile(atPath: out, contents: nil), let handle = FileHandle(forWritingAtPath: out) else {
            throw ValidationError("cannot write \(out)")
        }
        defer { try? handle.close() }
        var written = 0, droppedDuplicates = 0, droppedContaminated = 0
        var buffer = ""
        try store.forEachExample(datasetIDs: [record.id]) { e in
            if dropDuplicates.contains(e.id) { droppedDuplicates += 1; return }
            if dropContaminated.contains(e.id) { droppedContaminated += 1; return }
            var object = exampleJSON(e)
            if normalized { object["normalized"] = .string(TextNormalizer.normalize(e.problem)) }
            buffer += JSONValue.object(object).serialized + "\n"
            written += 1
            if buffer.utf8.count > 1 << 20 { handle.write(Data(buffer.utf8)); buffer = "" }
        }
        handle.write(Data(buffer.utf8))
        if options.json {
            printJSON(.object(JSONObject(["out": .string(out), "written": .int(Int64(written)),
                                          "dropped_duplicates": .int(Int64(droppedDuplicates)),
                                          "dropped_contaminated": .int(Int64(droppedContaminated))])))
        } else {
            print("\(out): \(written) examples (\(droppedDuplicates) duplicates and \(droppedContaminated) contaminated left out)")
        }
    }
}
