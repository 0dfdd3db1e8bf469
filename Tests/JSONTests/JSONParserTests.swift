import Testing
@testable import JSON

@Suite struct JSONParserTests {
    @Test func keepsKeyOrderAndTypes() throws {
        let v = try JSONParser.parse(#"{"b": 1, "a": [true, null, 2.5, -3], "c": {"x": "y"}}"#)
        #expect(v.objectValue?.keys == ["b", "a", "c"])
        #expect(v["a"] == .array([.bool(true), .null, .double(2.5), .int(-3)]))
        #expect(v["c"]?["x"] == .string("y"))
        #expect(v.serialized == #"{"b":1,"a":[true,null,2.5,-3],"c":{"x":"y"}}"#)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let v = try JSONParser.parse(#""\\frac{1}{2} \u00e9 \ud83d\ude00 \n""#)
        #expect(v == .string("\\frac{1}{2} é 😀 \n"))
        #expect(try JSONParser.parse(#""\ud800""#) == .string("\u{FFFD}"))
    }

    @Test func refusesDuplicateKeys() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"a": 1, "a": 2}"#) }
    }

    @Test func reportsWhereItStopped() {
        do {
            _ = try JSONParser.parse(#"{"a": 1,, "b": 2}"#)
            Issue.record("should have thrown")
        } catch {
            #expect(error.offset == 8)
        }
    }

    @Test func boundsNesting() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func refusesInvalidUTF8InStrings() {
        let bytes: [UInt8] = Array(#"{"a": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: JSONParseError.self) {
            try bytes.withUnsafeBufferPointer { try JSONParser.parse($0) }
        }
    }
}
