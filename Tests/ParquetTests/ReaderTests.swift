import Foundation
import Testing
import JSON
@testable import Parquet

enum Paths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let oneShot = root.deletingLastPathComponent().appendingPathComponent("shared/datasets/one-shot-rlvr")
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static let parquetFiles = ["train/dsr_sub", "train/pi1_r128", "train/pi2_r128", "train/pi13_r128", "train/pi1209_r128",
                               "train/merge_pi1_pi13_r128", "train/merge_pi1_pi2_pi13_pi1209_r128", "test/math500"]
}

/// Every row of a JSONL file.
func jsonLines(_ url: URL) throws -> [JSONValue] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { try JSONParser.parse(String($0)) }
}

/// All rows of a Parquet file.
func allRows(_ path: String, columns: [String]? = nil) throws -> [JSONValue] {
    var rows: [JSONValue] = []
    try ParquetFile(path: path).forEachRow(columns: columns) { rows.append($0) }
    return rows
}

@Suite struct ReaderTests {
    @Test(arguments: Paths.parquetFiles)
    func shippedFilesEqualTheirPyarrowTwins(name: String) throws {
        let ours = try allRows(Paths.oneShot.appendingPathComponent("\(name).parquet").path)
        let theirs = try jsonLines(Paths.oneShot.appendingPathComponent("\(name).jsonl"))
        #expect(ours.count == theirs.count)
        for (a, b) in zip(ours, theirs) where a != b {
            Issue.record("row differs:\n\(a.serialized.prefix(300))\n\(b.serialized.prefix(300))")
            break
        }
    }

    @Test func projectionReadsOnlyTheAskedColumns() throws {
        let path = Paths.oneShot.appendingPathComponent("train/dsr_sub.parquet").path
        let rows = try allRows(path, columns: ["reward_model", "extra_info"])
        #expect(rows.count == 1209)
        #expect(rows[124].objectValue?.keys == ["reward_model", "extra_info"])
        #expect(rows[124]["reward_model"]?["ground_truth"] == .string("12.8"))
        #expect(throws: ParquetError.self) { try allRows(path, columns: ["nope"]) }
    }

    @Test func schemaDescribesNesting() throws {
        let file = try ParquetFile(path: Paths.oneShot.appendingPathComponent("train/dsr_sub.parquet").path)
        #expect(file.fieldNames == ["data_source", "prompt", "ability", "reward_model", "extra_info"])
        #expect(file.schema.describe().contains("optional group prompt (LIST)\n  repeated group list\n    optional group element"))
        let content = file.schema.leaves[1]
        #expect(content.path == ["prompt", "list", "element", "content"])
        #expect(content.maxDefinition == 4 && content.maxRepetition == 1)
    }
}

@Suite struct EncodingCoverageTests {
    /// Files pyarrow wrote with every codec, both data page versions, PLAIN, dictionary and DELTA
    /// encodings, several row groups, and nested, null and empty values (see Fixtures/make_fixtures.py).
    @Test(arguments: ["snappy_v1_dictionary", "uncompressed_v1_plain", "gzip_v2_dictionary", "zstd_v2_plain_small_groups", "delta_encodings"])
    func pyarrowFilesReadEqualToTheirRows(name: String) throws {
        let ours = try allRows(Paths.fixtures.appendingPathComponent("\(name).parquet").path)
        let theirs = try jsonLines(Paths.fixtures.appendingPathComponent("rows.jsonl"))
        #expect(ours.count == 300)
        for (k, (a, b)) in zip(ours, theirs).enumerated() where a != b {
            Issue.record("row \(k) differs:\n\(a.serialized.prefix(400))\n\(b.serialized.prefix(400))")
            break
        }
    }

    @Test func smallRowGroupsAreReadOneAtATime() throws {
        let file = try ParquetFile(path: Paths.fixtures.appendingPathComponent("zstd_v2_plain_small_groups.parquet").path)
        #expect(file.metadata.rowGroups.count == 5)
        #expect(try file.rows(rowGroup: 4).count == 300 - 4 * 64)
    }
}
