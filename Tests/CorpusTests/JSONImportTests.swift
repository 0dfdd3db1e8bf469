import Foundation
import Testing
@testable import Corpus
import Store
import JSON

/// Every JSON schema in ../shared/datasets is recognised without flags, with the right gold answer.
@Suite struct JSONImportTests {
    @Test func mathTakesTheLastBoxedOfTheSolution() throws {
        let (store, result, _) = try Fixtures.imported(Fixtures.sharedFile("math-hendrycks/train.jsonl"))
        #expect(result.schema == "math")
        #expect(result.imported == 7500 && result.rejected == 0)
        let e = try store.db.rows("SELECT answer FROM examples WHERE source_index = 'train/algebra/24014.json'")
        #expect(e.first?["answer"].string == "2")   // written `\boxed 2` in the solution
    }

    /// Rows come out in file order, numbered among the file's examples, with each reject at its own line,
    /// and the layout is chosen by the first row that has a known one (the unknown object before it stays
    /// rejected).
    @Test func rowsKeepTheFileOrderAndTheirPositions() throws {
        var lines: [String] = [#"{"foo": 1}"#, "{not json"]
        for i in 3...700 {
            switch i {
            case 150: lines.append(#"{"problem": " ", "answer": "1"}"#)   // empty problem
            case 300: lines.append("")
            case 513: lines.append(#"{"problem": "p513"}"#)   // no answer, no solution
            default: lines.append(#"{"problem": "p\#(i)", "answer": "\#(i)"}"#)
            }
        }
        let (store, result, _) = try Fixtures.imported(Fixtures.write(lines.joined(separator: "\n"), name: "ordered.jsonl"))
        #expect(result.schema == "problem-answer" && result.imported == 695 && result.rejected == 4)
        let examples = try store.examples(datasetIDs: [1])
        let expected = (3...700).filter { ![150, 300, 513].contains($0) }
        #expect(examples.map(\.problem) == expected.map { "p\($0)" })
        #expect(examples.map(\.line) == expected)
        #expect(examples.map(\.position) == Array(0..<695))
        let rejects = try store.rejectedRows(datasetID: nil)
        #expect(rejects.map(\.row.line) == [1, 2, 150, 513])
        #expect(rejects[0].row.reason.contains("unrecognised row layout"))
    }

    @Test func deepScaleRRejectsNullAnswersAndKeepsTheRest() throws {
        let (store, result, messages) = try Fixtures.imported(Fixtures.sharedFile("deepscaler-components/train_math.json"))
        #expect(result.format == "json" && result.schema == "math" || result.schema == "problem-answer")
        #expect(result.imported == 7472 && result.rejected == 2)
        let rejects = try store.rejectedRows(datasetID: nil)
        #expect(rejects.map(\.row.field) == ["answer", "answer"])
        #expect(rejects.allSatisfy { $0.row.reason.contains("'answer' is null") })
        #expect(messages.first?.hasPrefix(Fixtures.sharedFile("deepscaler-components/train_math.json") + ":") == true)
        // The rejected element is kept verbatim.
        let raw = String(decoding: rejects[0].row.raw, as: UTF8.self)
        #expect(raw.hasPrefix("{") && raw.contains("\"answer\": null"))
    }

    @Test func gsm8kTakesTheTextAfterHashes() throws {
        let (store, result, _) = try Fixtures.imported(Fixtures.sharedFile("gsm8k-openai/test.jsonl"))
        #expect(result.schema == "gsm8k" && result.imported == 1319)
        let first = try store.examples(datasetIDs: [1]).first
        #expect(first?.answer == "18")
        #expect(first?.problem.hasPrefix("Janet’s ducks") == true)
    }

    @Test func verlRowsKeepTheInstructionApartAndTheIndex() throws {
        let (store, result, _) = try Fixtures.imported(Fixtures.shippedFile("one-shot-rlvr/dsr_sub.jsonl"))
        #expect(result.schema == "verl" && result.imported == 1209 && result.dataset == "dsr_sub")
        let pi1 = try store.db.rows("SELECT problem, answer, metadata FROM examples WHERE source_index = '124'").first
        #expect(pi1?["answer"].string == "12.8")
        #expect(pi1?["problem"].string?.hasSuffix("\\boxed{}.") == false)
        let meta = try JSONParser.parse(pi1?["metadata"].string ?? "")
        #expect(meta["instruction"]?.stringValue == "Let's think step by step and output the final answer within \\boxed{}.")
        #expect(meta["data_source"]?.stringValue == "deepscaler")
        #expect(meta["extra_info"]?["index"] == .int(124))
    }

    @Test(arguments: [
        ("math500", 500, "\\left( 3, \\frac{\\pi}{2} \\right)"),
        ("aime24", 30, "204"),
        ("aime25", 30, "70"),
        ("amc23", 40, "27"),
        ("minerva_math", 272, nil),
        ("olympiadbench", 675, nil),
    ] as [(String, Int, String?)])
    func benchmarksReadWithTheirGold(name: String, rows: Int, firstGold: String?) throws {
        let (store, result, _) = try Fixtures.imported(Fixtures.shippedFile("benchmarks/\(name).jsonl"))
        #expect(result.imported == rows && result.rejected == 0)
        let examples = try store.examples(datasetIDs: [1])
        #expect(examples.allSatisfy { !($0.answer ?? "").isEmpty })
        if let firstGold { #expect(examples.first?.answer == firstGold) }
        if name == "olympiadbench" { #expect(examples.allSatisfy { !($0.answer ?? "").hasPrefix("$") }) }
        if name == "minerva_math" { #expect(examples.first?.answer == "1.6") }
    }

    @Test func mapCoversOtherSchemas() throws {
        let path = Fixtures.write(#"{"q": {"text": "What is 1+1?"}, "gold": 2, "id": "a"}"# + "\n", name: "custom.jsonl")
        let (store, result, _) = try Fixtures.imported(path, options: ImportOptions(map: try FieldMap(parsing: "problem=q.text,answer=gold,index=id")))
        #expect(result.imported == 1 && result.schema == "mapped")
        let e = try store.examples(datasetIDs: [1])[0]
        #expect(e.problem == "What is 1+1?" && e.answer == "2" && e.sourceIndex == "a")
    }
}

/// Bad input: a clear FILE:LINE message, the good rows kept, nothing lost.
@Suite struct BadInputTests {
    static let good = #"{"problem": "What is $1+1$?", "answer": "2"}"#

    @Test func eachBadLineGetsItsOwnReasonAndTheRestIsKept() throws {
        let lines = [
            Self.good,
            #"{"problem": "Unclosed", "answer": "1""#,
            #"{"answer": "3"}"#,
            #"{"problem": 5, "answer": "3"}"#,
            #"[1, 2]"#,
            "",
            #"{"problem": "Fine too", "answer": 4}"#,
        ]
        var bytes = Array(lines.joined(separator: "\n").utf8)
        bytes += Array("\n{\"problem\": \"bad ".utf8) + [0xFF, 0xFE] + Array("\", \"answer\": \"1\"}\n".utf8)
        let path = Fixtures.write(bytes: bytes, name: "mixed.jsonl")
        let (store, result, messages) = try Fixtures.imported(path)
        #expect(result.imported == 2)
        #expect(result.rejected == 5)
        #expect(messages.count == 5)
        #expect(messages[0].hasPrefix("\(path):2: invalid JSON"))
        #expect(messages[1] == "\(path):3: unrecognised row layout (keys: answer); name the fields with --map problem=F,answer=F"
                || messages[1].hasPrefix("\(path):3: field 'problem'"))
        #expect(messages[2] == "\(path):4: field 'problem': expected a string, got number")
        #expect(messages[3] == "\(path):5: expected a JSON object, got array")
        #expect(messages[4].hasPrefix("\(path):8: invalid UTF-8 at byte 18"))
        let rejects = try store.rejectedRows(datasetID: nil)
        #expect(String(decoding: rejects[0].row.raw, as: UTF8.self) == lines[1])
    }

    @Test func strictWritesNothingOfTheFile() throws {
        let path = Fixtures.write(Self.good + "\n{broken\n" + Self.good + "\n", name: "strict.jsonl")
        let store = try Fixtures.store()
        #expect(throws: ImportError.self) {
            try Importer(store: store).importFile(path, options: ImportOptions(strict: true))
        }
        #expect(try store.db.scalar("SELECT count(*) FROM examples") == .integer(0))
        #expect(try store.db.scalar("SELECT count(*) FROM source_files") == .integer(0))
        #expect(try store.db.scalar("SELECT count(*) FROM rejected_rows") == .integer(0))
    }

    @Test func emptyFileIsAClearError() throws {
        let path = Fixtures.write("", name: "empty.jsonl")
        #expect(throws: ImportError.emptyFile(path: path)) { try Importer(store: Fixtures.store()).importFile(path, options: ImportOptions()) }
    }

    @Test func missingFileIsAClearError() throws {
        #expect(throws: ImportError.self) { try Importer(store: Fixtures.store()).importFile("/nonexistent/x.jsonl", options: ImportOptions()) }
    }

    @Test func overlongLineIsRejectedNotBuffered() throws {
        let long = #"{"problem": ""# + String(repeating: "x", count: LineReader.defaultMaxLineBytes + 10) + #"", "answer": "1"}"#
        let path = Fixtures.write(long + "\n" + Self.good + "\n", name: "long.jsonl")
        let (store, result, messages) = try Fixtures.imported(path)
        #expect(result.imported == 1 && result.rejected == 1)
        #expect(messages[0].contains(":1: line is 16777256 bytes, over the 16 MiB limit"))
        #expect(try store.rejectedRows(datasetID: nil)[0].row.raw.count == LineReader.keptPrefixBytes)
    }

    @Test func brokenJSONArrayNamesTheLine() throws {
        let path = Fixtures.write("[\n" + Self.good + ",\n{\"problem\": oops}\n]", name: "broken.json")
        do {
            _ = try Importer(store: Fixtures.store()).importFile(path, options: ImportOptions())
            Issue.record("should have thrown")
        } catch let error as ImportError {
            guard case .malformed(_, let line, _) = error else { Issue.record("\(error)"); return }
            #expect(line == 3)
        }
    }

    @Test func sameContentTwiceIsANoOp() throws {
        let path = Fixtures.write(Self.good + "\n", name: "again.jsonl")
        let store = try Fixtures.store()
        let importer = Importer(store: store)
        let first = try importer.importFile(path, options: ImportOptions())
        let second = try importer.importFile(path, options: ImportOptions())
        #expect(!first.alreadyImported && second.alreadyImported)
        #expect(try store.db.scalar("SELECT count(*) FROM examples") == .integer(1))
    }
}
