import ArgumentParser
import Corpus
import Foundation
import Store
import JSON

extension SourceFormat: ExpressibleByArgument {}

/// `oneshot import FILE...`: read datasets into the store.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import JSONL, JSON, XML or Parquet datasets into the store.",
        discussion: """
            Recognised without flags: MATH, DeepScaleR, GSM8K, verl rows, the Qwen2.5-Eval benchmark files, \
            StackExchange Posts.xml, ARQMath topics and OpenStax CNXML. Bad rows are reported as FILE:LINE \
            on stderr, kept verbatim (see `oneshot rejects`) and the import goes on. Each file is one \
            transaction; importing the same content again does nothing.
            """)

    @OptionGroup var options: StoreOptions

    @Argument(help: "Files to import.")
    var files: [String]

    @Option(help: "Dataset to import into (default: named after each file).")
    var dataset: String?

    @Option(help: "auto, jsonl, json, xml or parquet.")
    var format: SourceFormat = .auto

    @Option(help: "Where the fields are, for other JSON layouts: problem=PATH,answer=PATH,solution=PATH,index=PATH.")
    var map: String?

    @Flag(help: "Fail a file on its first bad row and import nothing of it.")
    var strict = false

    @Flag(help: "Import as a benchmark (an evaluation set to decontaminate against).")
    var benchmark = false

    mutating func run() throws {
        let store = try options.open()
        let fieldMap: FieldMap
        do { fieldMap = try map.map(FieldMap.init(parsing:)) ?? FieldMap() } catch let e as RowError { throw ValidationError(e.reason) }
        let importer = Importer(store: store)
        let quarantine = Quarantine(storePath: options.path)
        importer.onReject = { printError($0) }
        var results: [FileImportResult] = []
        var failures: [(String, String)] = []
        for file in files {
            let progress = ProgressLine("importing \(file)")
            importer.onProgress = progress.update
            do {
                let result = try importer.importFile(file, options: ImportOptions(
                    dataset: dataset, format: format, map: fieldMap, strict: strict, role: benchmark ? .benchmark : .train))
                progress.finish()
                results.append(result)
                if result.rejected > 0 { try quarantine.write(store: store, dataset: result.dataset, path: result.path) }
                if !options.json {
                    if result.alreadyImported {
                        print("\(file): already imported into '\(result.dataset)' (same sha256 \(result.sha256.prefix(12))), nothing to do")
                    } else {
                        print("\(file): \(result.imported) imported, \(result.rejected) rejected, \(result.skipped) skipped -> '\(result.dataset)' (\(result.format), \(result.schema))")
                    }
                }
            } catch {
                progress.finish()
                printError("error: \(error)")
                failures.append((file, "\(error)"))
            }
        }
        let total = results.reduce(into: (0, 0, 0)) { $0.0 += $1.imported; $0.1 += $1.rejected; $0.2 += $1.skipped }
        if options.json {
            printJSON(.object(JSONObject([
                "files": .array(results.map { r in .object(JSONObject([
                    "path": .string(r.path), "dataset": .string(r.dataset), "format": .string(r.format),
                    "schema": .string(r.schema), "sha256": .string(r.sha256), "imported": .int(Int64(r.imported)),
                    "rejected": .int(Int64(r.rejected)), "skipped": .int(Int64(r.skipped)),
                    "already_imported": .bool(r.alreadyImported),
                ])) }),
                "failed": .array(failures.map { .object(JSONObject(["path": .string($0.0), "error": .string($0.1)])) }),
                "imported": .int(Int64(total.0)), "rejected": .int(Int64(total.1)), "skipped": .int(Int64(total.2)),
            ])))
        } else if files.count > 1 {
            print("total: \(total.0) imported, \(total.1) rejected, \(total.2) skipped, \(failures.count) file(s) failed")
        }
        if !failures.isEmpty { throw ExitCode(1) }
        if total.1 > 0 && !options.json { print("rejected rows: see `oneshot rejects` and \(quarantine.directory)/") }
    }
}
