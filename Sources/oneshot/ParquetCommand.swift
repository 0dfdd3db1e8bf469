import ArgumentParser
import Foundation
import JSON
import Parquet

/// `oneshot parquet`: look into Parquet files.
struct ParquetTools: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parquet",
        abstract: "Inspect Parquet files (schema, rows as JSONL).",
        subcommands: [Schema.self, Cat.self])

    /// `oneshot parquet schema FILE`.
    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a Parquet file's schema, row groups and metadata keys.")

        @Argument(help: "The Parquet file.")
        var file: String

        mutating func run() throws {
            let parquet = try open(file)
            let meta = parquet.metadata
            print("\(file): \(meta.numRows) rows in \(meta.rowGroups.count) row group(s), format version \(meta.version), created by \(meta.createdBy ?? "?")")
            print(parquet.schema.describe())
            for (i, group) in meta.rowGroups.enumerated() {
                let codecs = Set(group.columns.map { Codec(rawValue: $0.codec).map { "\($0)" } ?? "\($0.codec)" }).sorted()
                print("row group \(i): \(group.numRows) rows, \(group.totalByteSize) bytes, codecs \(codecs.joined(separator: ", "))")
            }
            if !meta.keyValues.isEmpty { print("metadata keys: \(meta.keyValues.map(\.key).joined(separator: ", "))") }
        }
    }

    /// `oneshot parquet cat FILE`.
    struct Cat: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a Parquet file's rows as JSON lines.")

        @Argument(help: "The Parquet file.")
        var file: String

        @Option(help: "Top-level columns to print, comma-separated (default: all).")
        var columns: String?

        @Option(help: "Print at most this many rows.")
        var limit: Int?

        mutating func run() throws {
            let parquet = try open(file)
            let selected = columns.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            var printed = 0
            var buffer = ""
            do {
                for group in parquet.metadata.rowGroups.indices {
                    for row in try parquet.rows(rowGroup: group, columns: selected) {
                        if let limit, printed >= limit { break }
                        buffer += row.serialized + "\n"
                        printed += 1
                        if buffer.utf8.count > 1 << 20 { FileHandle.standardOutput.write(Data(buffer.utf8)); buffer = "" }
                    }
                    if let limit, printed >= limit { break }
                }
            } catch let error as ParquetError {
                FileHandle.standardOutput.write(Data(buffer.utf8))
                throw ValidationError(error.description)
            }
            FileHandle.standardOutput.write(Data(buffer.utf8))
        }
    }
}

private func open(_ path: String) throws -> ParquetFile {
    do { return try ParquetFile(path: path) } catch let error as ParquetError { throw ValidationError(error.description) }
}
