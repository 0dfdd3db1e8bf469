import Foundation
import Testing
import JSON
@testable import Parquet

/// The venv `make test` creates, with pyarrow and datasets, when PyPI could be reached.
enum PythonReference {
    static let python = Paths.root.appendingPathComponent(".venv/bin/python").path

    static let available: Bool = {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        return (try? run(["-c", "import pyarrow, datasets"]))?.status == 0
    }()

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("py-\(UUID().uuidString).json")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8))
    }

    /// The file's rows as pyarrow and as datasets read them.
    static func read(_ path: String) throws -> (pyarrow: [JSONValue], datasets: [JSONValue], schema: String) {
        let result = try run([Paths.fixtures.appendingPathComponent("read_with_python.py").path, path])
        #expect(result.status == 0)
        let value = try JSONParser.parse(result.output)
        return (value["pyarrow"]?.arrayValue ?? [], value["datasets"]?.arrayValue ?? [], value["arrow_schema"]?.stringValue ?? "")
    }
}

func temporaryParquet() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("w-\(UUID().uuidString).parquet").path
}

/// Writes rows and returns the path.
func written(_ rows: [JSONValue], fields: [ParquetField], codec: Codec = .snappy, rowGroupSize: Int = 10_000) throws -> String {
    let path = temporaryParquet()
    let writer = try ParquetWriter(path: path, fields: fields, codec: codec, rowGroupSize: rowGroupSize)
    for row in rows { try writer.write(row) }
    try writer.close()
    return path
}

/// verl rows of the paper's pool, without the extra column one file carries.
func verlRows(_ name: String) throws -> [JSONValue] {
    try jsonLines(Paths.oneShot.appendingPathComponent("train/\(name).jsonl")).map { row in
        var o = row.objectValue!
        o["source_file"] = nil
        return .object(o)
    }
}

/// A table of every writable type with nulls, empty lists, unicode and a 1 MB string.
let mixedFields: [ParquetField] = [
    ParquetField("text", .string), ParquetField("count", .int64), ParquetField("score", .double), ParquetField("ok", .boolean),
    ParquetField("tags", .list(.string)), ParquetField("grid", .list(.list(.int64))),
    ParquetField("meta", .structure([ParquetField("name", .string), ParquetField("values", .list(.double))])),
]
let mixedRows: [JSONValue] = (0..<200).map { i in
    var o = JSONObject()
    o["text"] = i % 9 == 0 ? .null : .string(i == 7 ? String(repeating: "ж∑x", count: 350_000) : "row \(i) — π ≈ 3.14159 🎲")
    o["count"] = i % 5 == 0 ? .null : .int(Int64(i) * 1_000_000_007 - 50)
    o["score"] = i % 4 == 0 ? .null : .double(Double(i) / 3)
    o["ok"] = i % 6 == 0 ? .null : .bool(i % 2 == 0)
    o["tags"] = i % 7 == 0 ? .null : .array((0..<(i % 4)).map { .string("t\($0)") })
    o["grid"] = i % 8 == 0 ? .null : .array((0..<(i % 3)).map { r in .array((0..<r).map { .int(Int64($0)) }) })
    var meta = JSONObject()
    meta["name"] = i % 3 == 0 ? .null : .string("m\(i)")
    meta["values"] = .array(i % 2 == 0 ? [] : [.double(1.5), .null, .double(-2)])
    o["meta"] = i % 10 == 0 ? .null : .object(meta)
    return .object(o)
}

@Suite struct WriterTests {
    @Test(arguments: [Codec.snappy, .zstd, .gzip, .uncompressed])
    func roundTripOursToOurs(codec: Codec) throws {
        let path = try written(mixedRows, fields: mixedFields, codec: codec, rowGroupSize: 64)
        let file = try ParquetFile(path: path)
        #expect(file.metadata.rowGroups.count == 4)
        #expect(try allRows(path) == mixedRows)
    }

    @Test func verlRowsRoundTrip() throws {
        let rows = try verlRows("dsr_sub")
        let path = try written(rows, fields: ParquetWriter.verlFields, rowGroupSize: 500)
        #expect(try allRows(path) == rows)
        let file = try ParquetFile(path: path)
        #expect(file.metadata.keyValues.map(\.key) == ["ARROW:schema"])
        #expect(file.schema.describe() == (try ParquetFile(path: Paths.oneShot.appendingPathComponent("train/dsr_sub.parquet").path)).schema.describe())
    }

    @Test func wrongTypesNameTheRowAndField() throws {
        let writer = try ParquetWriter(path: temporaryParquet(), fields: ParquetWriter.verlFields)
        #expect(throws: ParquetWriteError(message: "row 1, field prompt: expected a list, got string")) {
            try writer.write(.object(JSONObject(["prompt": .string("oops")])))
        }
        #expect(throws: ParquetWriteError(message: "row 1, field extra_info.index: expected an integer, got string")) {
            try writer.write(.object(JSONObject(["extra_info": .object(JSONObject(["index": .string("7")]))])))
        }
    }

    @Test(.enabled(if: PythonReference.available, "pyarrow and datasets are not in .venv (make test installs them; PyPI unreachable?)"))
    func pyarrowAndDatasetsReadWhatWeWrite() throws {
        let verl = try verlRows("merge_pi1_pi13_r128")
        let shipped = try ["dsr_sub", "pi1_r128", "pi2_r128", "pi13_r128", "pi1209_r128", "merge_pi1_pi2_pi13_pi1209_r128"]
            .map { (try verlRows($0), ParquetWriter.verlFields) }
        for (rows, fields) in [(verl, ParquetWriter.verlFields), (mixedRows, mixedFields)] + shipped {
            let path = try written(rows, fields: fields, rowGroupSize: 50)
            let read = try PythonReference.read(path)
            #expect(read.pyarrow == rows)
            #expect(read.datasets == rows)
        }
        let schema = try PythonReference.read(try written(verl, fields: ParquetWriter.verlFields)).schema
        #expect(schema.contains("data_source: string"))
        #expect(schema.contains("prompt: list<element: struct<content: string, role: string>>"))
        #expect(schema.contains("extra_info: struct<index: int64, split: string>"))
    }
}

@Suite struct PyarrowToOursTests {
    @Test(.enabled(if: PythonReference.available, "pyarrow is not in .venv (make test installs it; PyPI unreachable?)"))
    func weReadWhatPyarrowWritesWithLargeStrings() throws {
        let path = temporaryParquet()
        let result = try PythonReference.run([Paths.fixtures.appendingPathComponent("write_with_pyarrow.py").path, path])
        #expect(result.status == 0)
        let expected = try JSONParser.parse(result.output).arrayValue ?? []
        #expect(expected.count == 50)
        #expect(expected[3]["text"]?.stringValue?.utf8.count ?? 0 > 1 << 20)
        #expect(try allRows(path) == expected)
    }
}
