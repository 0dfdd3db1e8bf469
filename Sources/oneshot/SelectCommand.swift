import ArgumentParser
import Corpus
import Foundation
import Selection
import Store
import JSON
import Parquet

/// `oneshot select`: write the training file of a 1-shot or few-shot run.
struct Select: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build a 1-shot / few-shot training set (π_i from a ranking, chosen examples, or random).",
        discussion: """
            Each chosen example's verl row (problem + step-by-step instruction, gold answer, index) is \
            repeated in turn until the file has --repeat-to rows: {π1, π13} gives 64 of each. The \
            extension picks the format (.parquet, .jsonl, .json); Parquet files are what verl reads \
            (SNAPPY, verl's row schema, ARROW:schema metadata).
            """)

    enum Format: String, ExpressibleByArgument { case jsonl, json, parquet }

    @OptionGroup var options: StoreOptions
    @OptionGroup var ranking: RankingOptionGroup

    @Option(name: .customLong("run"), help: "The probe run whose ranking names π_i (with --pi).")
    var runName: String?

    @Option(help: "Ranks to take, e.g. 1 or 1,13.")
    var pi: String?

    @Option(help: "Example ids to take instead (as printed by rank and show).")
    var examples: String?

    @Option(help: "Take K examples at random (seeded by --seed) from the run, or from --dataset.")
    var random: Int?

    @Option(help: "Dataset to draw --random examples from when no --run is given.")
    var dataset: String?

    @Option(help: "Rows in the file (the paper's batch size).")
    var repeatTo: Int = 128

    @Option(help: "The file to write.")
    var out: String

    @Option(help: "jsonl, json or parquet (default: from the extension).")
    var format: Format?

    func validate() throws {
        let chosen = [pi != nil, examples != nil, random != nil].filter { $0 }.count
        guard chosen == 1 else { throw ValidationError("choose the examples with exactly one of --pi, --examples or --random") }
        if pi != nil && runName == nil { throw ValidationError("--pi needs --run (the ranking it refers to)") }
        if random != nil && runName == nil && dataset == nil { throw ValidationError("--random needs --run or --dataset") }
        guard repeatTo > 0 else { throw ValidationError("--repeat-to must be positive") }
    }

    mutating func run() throws {
        let store = try options.open()
        let chosen = try ExamplePicker(rankingRun: runName, pi: pi, examples: examples, random: random, dataset: dataset,
                                       ranking: ranking).choose(store)
        let rows = VerlRows.repeated(chosen, to: repeatTo)
        let fileFormat = format ?? Format(rawValue: (out as NSString).pathExtension.lowercased()) ?? .jsonl
        do {
            switch fileFormat {
            case .jsonl: try rows.map { JSONValue.object($0).serialized + "\n" }.joined().write(toFile: out, atomically: true, encoding: .utf8)
            case .json: try (JSONValue.array(rows.map(JSONValue.object)).serialized + "\n").write(toFile: out, atomically: true, encoding: .utf8)
            case .parquet:
                let writer = try ParquetWriter(path: out, fields: ParquetWriter.verlFields)
                for row in rows { try writer.write(.object(row)) }
                try writer.close()
            }
        } catch let error as ParquetWriteError {
            throw ValidationError(error.message)
        } catch {
            throw ValidationError("cannot write \(out): \(error.localizedDescription)")
        }
        if options.json {
            printJSON(.object(JSONObject(["out": .string(out), "rows": .int(Int64(rows.count)),
                                          "examples": .array(chosen.map { .object(JSONObject(["example_id": .int($0.id),
                                            "source_index": $0.sourceIndex.map(JSONValue.string) ?? .null])) })])))
        } else {
            print("\(out): \(rows.count) rows from \(chosen.count) example(s): \(chosen.map { "\($0.datasetName)#\($0.sourceIndex ?? String($0.id))" }.joined(separator: ", "))")
        }
    }
}
