/// Self-reflection words in a response: the behaviour Wang et al. (2025) count as 1-shot RLVR trains on
/// (their Figure on "rethink", "recheck", "recalculate").
///
/// A response is *reflective* when it contains, case-insensitively and at the start of a word, one of
/// ``stems``: "rethink", "recheck", "recalculat", "re-evaluat" / "reevaluat", "double-check" /
/// "double check", "verif" (verify, verifying, verification). The reports give the share of reflective
/// responses; the definition is printed beside every figure.
public enum SelfReflection {
    /// The word starts that count, lower-case.
    public static let stems = ["rethink", "recheck", "re-check", "recalculat", "re-calculat", "re-evaluat", "reevaluat",
                               "double-check", "double check", "verif"]

    /// The definition shown in reports.
    public static let definition = "share of responses containing, at the start of a word, one of: "
        + "rethink, recheck, recalculate, re-evaluate, double-check, verify (and their inflections)"

    /// Whether `response` contains a self-reflection word.
    public static func isReflective(_ response: String) -> Bool {
        let text = Array(response.lowercased().utf8)
        for stem in stems.lazy.map({ Array($0.utf8) }) {
            var start = 0
            while let i = firstIndex(of: stem, in: text, from: start) {
                if i == 0 || !isLetter(text[i - 1]) { return true }
                start = i + 1
            }
        }
        return false
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte >= 0x80
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count - start else { return nil }
        var i = start
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
