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

    /// Strings are scanned eight bytes at a time: a quote, escape, control character or non-ASCII byte at every
    /// offset of the first words and of the tail must end the plain run exactly there.
    @Test func findsEverySpecialByteWhereverItSits() throws {
        for length in 0..<20 {
            let plain = String(repeating: "a", count: length)
            for cut in 0...length {
                let (head, tail) = (String(plain.prefix(cut)), String(plain.dropFirst(cut)))
                #expect(try JSONParser.parse("\"\(head)\"") == .string(head))
                #expect(try JSONParser.parse("\"\(head)\\n\(tail)\"") == .string(head + "\n" + tail))
                #expect(try JSONParser.parse("\"\(head)é\(tail)\"") == .string(head + "é" + tail))
                #expect(try JSONParser.parse("\"\(head)é\\\"\(tail)\"") == .string(head + "é\"" + tail))
                do {
                    _ = try JSONParser.parse("\"\(head)\u{01}\(tail)\"")
                    Issue.record("a raw control character was accepted")
                } catch {
                    #expect(error.offset == 1 + cut)
                }
            }
            #expect(throws: JSONParseError.self) { try JSONParser.parse("\"\(plain)") }
        }
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
