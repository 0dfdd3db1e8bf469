import Foundation

/// Finds answers written in `\boxed{...}` / `\fbox{...}`.
public enum BoxedAnswer {
    /// The contents of the last `\boxed{...}` or `\fbox{...}` in `text`, braces balanced, or nil.
    ///
    /// `\boxed 5` (a box without braces, as models sometimes write it) gives the token that follows.
    /// An unclosed box gives nil rather than a truncated answer.
    public static func last(in text: String) -> String? {
        let utf8 = Array(text.utf8)
        return spans(in: utf8).last.map { String(decoding: utf8[$0.content], as: UTF8.self) }
    }

    /// The contents of every `\boxed{...}` / `\fbox{...}` in `text`, in order, nested boxes counted once
    /// (the outer one).
    public static func all(in text: String) -> [String] {
        let utf8 = Array(text.utf8)
        return spans(in: utf8).map { String(decoding: utf8[$0.content], as: UTF8.self) }
    }

    /// Where a box sits in UTF-8 bytes: its contents, and the whole box from `\` to the closing brace.
    public struct Span: Sendable {
        public let content: Range<Int>
        public let start: Int
        public let end: Int
    }

    /// Every box in `utf8`, without building a string for any of them.
    public static func spans(in utf8: [UInt8]) -> [Span] {
        var results: [Span] = []
        var i = 0
        while i < utf8.count {
            guard utf8[i] == UInt8(ascii: "\\"), let nameEnd = boxCommandEnd(utf8, from: i) else { i += 1; continue }
            var j = nameEnd
            while j < utf8.count, utf8[j] == UInt8(ascii: " ") { j += 1 }
            if j < utf8.count, utf8[j] == UInt8(ascii: "{") {
                var depth = 0
                var k = j
                var closed = false
                while k < utf8.count {
                    let c = utf8[k]
                    if c == UInt8(ascii: "\\") { k += 2; continue }   // \{ and \} do not count
                    if c == UInt8(ascii: "{") { depth += 1 }
                    if c == UInt8(ascii: "}") {
                        depth -= 1
                        if depth == 0 { closed = true; break }
                    }
                    k += 1
                }
                guard closed else { i = nameEnd; continue }
                results.append(Span(content: (j + 1)..<k, start: i, end: k + 1))
                i = k + 1
            } else if j > nameEnd {
                // `\boxed 5`: the run of characters up to white space, `$` or end.
                var k = j
                while k < utf8.count, ![UInt8(ascii: " "), UInt8(ascii: "$"), UInt8(ascii: "\n")].contains(utf8[k]) { k += 1 }
                if k > j { results.append(Span(content: j..<k, start: i, end: k)) }
                i = k
            } else {
                i = nameEnd
            }
        }
        return results
    }

    /// If a box command (`\boxed` or `\fbox`, not `\boxedfoo`) starts at `i`, the index after its name.
    private static func boxCommandEnd(_ s: [UInt8], from i: Int) -> Int? {
        for name in boxNames {
            let end = i + 1 + name.count
            guard end <= s.count else { continue }
            var matches = true
            for k in 0..<name.count where s[i + 1 + k] != name[k] { matches = false; break }
            guard matches else { continue }
            if end < s.count, (s[end] | 0x20) >= UInt8(ascii: "a") && (s[end] | 0x20) <= UInt8(ascii: "z") { continue }
            return end
        }
        return nil
    }

    private static let boxNames: [[UInt8]] = [Array("boxed".utf8), Array("fbox".utf8)]
}

/// GSM8K's answer convention: the final answer follows `####`.
public enum HashAnswer {
    /// The text after the last `####`, trimmed, with thousands separators removed; nil when absent.
    public static func last(in text: String) -> String? {
        let bytes = Array(text.utf8)
        var i = bytes.count - 4
        while i >= 0 {
            if bytes[i] == UInt8(ascii: "#"), bytes[i + 1] == UInt8(ascii: "#"), bytes[i + 2] == UInt8(ascii: "#"),
               bytes[i + 3] == UInt8(ascii: "#") {
                let answer = bytes[(i + 4)...].filter { $0 != UInt8(ascii: ",") }
                let trimmed = answer.drop { isSpace($0) }.reversed().drop { isSpace($0) }.reversed()
                return trimmed.isEmpty ? nil : String(decoding: Array(trimmed), as: UTF8.self)
            }
            i -= 1
        }
        return nil
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
}
