/// Rewrites an extracted answer into the form the parser reads: one fixed, small list of rules, applied
/// the same way, once, to gold and prediction. Works on UTF-8 bytes with plain scans (no regular
/// expressions): grading sits in the RL loop and must cost microseconds.
///
/// Drops: math delimiters (`$`, `\(`, `\[`), `\left`/`\right`, `\displaystyle`, spacing commands, `\$`,
/// degree marks (`^\circ`, `°`, "degrees"), a trailing `\text{…}` unit (and `^2`), a trailing period.
/// Rewrites: unicode − π √ ° × · ≤ ≥ ≠ ∞, thousands separators (`10{,}000`, `10,\!000`, `10,000`), `\%`,
/// "and" in lists, `2.88e4`, mixed numbers `1\frac45`, clock times with a.m./p.m. to 24-hour text.
/// Deliberately not done: purging unit words inside expressions (Qwen's list turns `a+b` into `+b`).
public enum AnswerNormalizer {
    public static func normalize(_ answer: String) -> String {
        var s = Array(answer.utf8)
        trim(&s)
        if let time = clockTime(s) { return time }
        let unicode: [(String, String)] = [
            ("−", "-"), ("–", "-"), ("π", "\\pi "), ("°", "^\\circ"), ("×", "\\times "), ("·", "\\cdot "),
            ("≤", "\\le "), ("≥", "\\ge "), ("≠", "\\ne "), ("∞", "\\infty "), ("∪", "\\cup "), ("∈", "\\in "), ("±", "\\pm "),
        ]
        if s.contains(where: { $0 >= 0x80 }) {
            for (from, to) in unicode { replace(&s, from, to) }
            unicodeRoots(&s)
        }
        replace(&s, "\\$", "")                       // a dollar sign, before $ delimiters
        for delimiter in ["\\(", "\\)", "\\[", "\\]"] { replace(&s, delimiter, " ") }
        replace(&s, "$", "")
        replace(&s, ",\\! ", "")                     // 11,\! 111
        replace(&s, ",\\!", "")
        replace(&s, "{,}", "")
        for command in ["\\displaystyle", "\\textstyle", "\\!", "\\;", "\\:", "\\qquad", "\\quad", "\\left.", "\\right."] { replace(&s, command, "") }
        replace(&s, "\\,", " ")
        replace(&s, "\\left", "")
        replace(&s, "\\right", "")
        replace(&s, "\\%", "%")
        for mark in ["{}^\\circ", "^{\\circ}", "^{\\circ }", "^\\circ", "\\circ"] { replace(&s, mark, "") }
        for word in ["\\text{ degrees}", "\\text{degrees}", "\\text{ degree}", " degrees", " degree"] { dropSuffix(&s, word) }
        stripTrailingUnit(&s)
        trim(&s)
        while s.last == UInt8(ascii: ".") { s.removeLast() }
        stripThousandsSeparators(&s)
        andToComma(&s)
        scientific(&s)
        mixedNumber(&s)
        trim(&s)
        return String(decoding: s, as: UTF8.self)
    }

    // MARK: - Byte helpers

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }

    private static func trim(_ s: inout [UInt8]) {
        while let last = s.last, isSpace(last) { s.removeLast() }
        if let first = s.firstIndex(where: { !isSpace($0) }) { s.removeFirst(first) } else { s.removeAll() }
    }

    /// Replaces every occurrence of `pattern` with `replacement`.
    static func replace(_ s: inout [UInt8], _ pattern: String, _ replacement: String) {
        let p = Array(pattern.utf8)
        guard !p.isEmpty, s.count >= p.count, let first = p.first, s.contains(first) else { return }
        var out: [UInt8]?
        var i = 0, copied = 0
        while i + p.count <= s.count {
            if s[i] == first && s[i..<(i + p.count)].elementsEqual(p) {
                if out == nil { out = []; out!.reserveCapacity(s.count) }
                out!.append(contentsOf: s[copied..<i])
                out!.append(contentsOf: replacement.utf8)
                i += p.count
                copied = i
            } else {
                i += 1
            }
        }
        guard var result = out else { return }
        result.append(contentsOf: s[copied...])
        s = result
    }

    private static func hasSuffix(_ s: [UInt8], _ suffix: String) -> Bool {
        let p = Array(suffix.utf8)
        return s.count >= p.count && s[(s.count - p.count)...].elementsEqual(p)
    }

    private static func dropSuffix(_ s: inout [UInt8], _ suffix: String) {
        if hasSuffix(s, suffix) { s.removeLast(suffix.utf8.count) }
    }

    // MARK: - Rules

    /// `√13` means √(13) and `√x` √(x): the unicode sign takes the whole number after it.
    private static func unicodeRoots(_ s: inout [UInt8]) {
        let root = Array("√".utf8)
        guard s.count >= root.count else { return }
        var out: [UInt8] = []
        var i = 0
        while i < s.count {
            if i + root.count <= s.count, s[i..<(i + root.count)].elementsEqual(root) {
                out.append(contentsOf: "\\sqrt".utf8)
                i += root.count
                var j = i
                while j < s.count, isDigit(s[j]) { j += 1 }
                if j == i, j < s.count, isLetter(s[j]) { j += 1 }
                if j > i, j >= s.count || s[j] != UInt8(ascii: "{") {
                    out.append(UInt8(ascii: "{"))
                    out.append(contentsOf: s[i..<j])
                    out.append(UInt8(ascii: "}"))
                    i = j
                }
            } else {
                out.append(s[i])
                i += 1
            }
        }
        s = out
    }

    /// A clock time with a.m./p.m. in any markup (`\text{4:30 p.m.}`, `4:30 \text{ p.m.}`, `4:30pm`) as
    /// 24-hour text: `\text{16:30}`.
    private static func clockTime(_ s: [UInt8]) -> String? {
        guard s.contains(UInt8(ascii: ":")), s.contains(where: { $0 | 0x20 == UInt8(ascii: "m") }) else { return nil }
        var bare = s
        for wrapper in ["\\text{", "\\mbox{", "\\mathrm{", "\\textrm{", "}", "$", " ", "."] { replace(&bare, wrapper, "") }
        // h:mm then a/p then m.
        guard let colon = bare.firstIndex(of: UInt8(ascii: ":")), colon >= 1, colon <= 2,
              bare[..<colon].allSatisfy(isDigit), bare.count == colon + 5,
              isDigit(bare[colon + 1]), isDigit(bare[colon + 2]),
              [UInt8(ascii: "a"), UInt8(ascii: "p")].contains(bare[colon + 3] | 0x20), bare[colon + 4] | 0x20 == UInt8(ascii: "m"),
              let h = Int(String(decoding: bare[..<colon], as: UTF8.self)), (1...12).contains(h) else { return nil }
        let hour = h % 12 + (bare[colon + 3] | 0x20 == UInt8(ascii: "p") ? 12 : 0)
        return "\\text{\(hour):\(String(decoding: bare[(colon + 1)...(colon + 2)], as: UTF8.self))}"
    }

    /// A trailing `\text{…}` / `\mbox{…}` (optionally `^2` / `^3`) after something else is a unit.
    private static func stripTrailingUnit(_ s: inout [UInt8]) {
        trim(&s)
        for power in ["^2", "^3", "^{2}", "^{3}"] where hasSuffix(s, power) {
            let base = Array(s.dropLast(power.utf8.count))
            if base.last == UInt8(ascii: "}"), lastCommand(base) != nil { s = base }
        }
        guard s.last == UInt8(ascii: "}"), let (start, inside) = lastCommand(s) else { return }
        var before = Array(s[..<start])
        trim(&before)
        let word = String(decoding: inside, as: UTF8.self).trimmingSpaces
        guard let last = before.last, !before.isEmpty, inside.contains(where: isLetter), !inside.contains(UInt8(ascii: "{")),
              word != "and", word != "or", word != "i",
              isDigit(last) || last == UInt8(ascii: "}") || last == UInt8(ascii: ")") || isLetter(last) else { return }
        s = before
    }

    /// The start of a final `\text{…}`-like command and its contents, when the string ends with one.
    private static func lastCommand(_ s: [UInt8]) -> (Int, ArraySlice<UInt8>)? {
        guard let open = s.lastIndex(of: UInt8(ascii: "{")), s.last == UInt8(ascii: "}") else { return nil }
        for command in ["\\text", "\\mbox", "\\textrm", "\\mathrm"] {
            let c = Array(command.utf8)
            if open >= c.count, s[(open - c.count)..<open].elementsEqual(c) { return (open - c.count, s[(open + 1)..<(s.count - 1)]) }
        }
        return nil
    }

    /// `10,000` / `1,234,567.5` (the whole answer, digits grouped by three) lose their commas.
    private static func stripThousandsSeparators(_ s: inout [UInt8]) {
        guard s.contains(UInt8(ascii: ",")) else { return }
        var body = s[...]
        if body.first == UInt8(ascii: "-") { body = body.dropFirst() }
        let parts = body.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard parts.count >= 2, (1...3).contains(parts[0].count), parts[0].allSatisfy(isDigit) else { return }
        for (k, part) in parts.enumerated().dropFirst() {
            let digits = k == parts.count - 1 ? (part.firstIndex(of: UInt8(ascii: ".")).map { part[..<$0] } ?? part) : part
            guard digits.count == 3, digits.allSatisfy(isDigit) else { return }
            if k == parts.count - 1, digits.count < part.count, !part[(digits.endIndex + 1)...].allSatisfy(isDigit) { return }
        }
        s.removeAll { $0 == UInt8(ascii: ",") }
    }

    /// "3, 5, and 7", "3 and 5", `3 \text{ and } 5`: a list.
    private static func andToComma(_ s: inout [UInt8]) {
        guard s.count >= 3, s.contains(UInt8(ascii: "a")) else { return }
        replace(&s, "\\text{ and }", ", ")
        replace(&s, "\\text{and}", ", ")
        replace(&s, ", and ", ", ")
        replace(&s, ",and ", ", ")
        replace(&s, " and ", ", ")
    }

    /// `2.88e4`, `1e-5` as the whole answer: scientific notation (e is Euler's number elsewhere).
    private static func scientific(_ s: inout [UInt8]) {
        guard let e = s.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }), e > 0 else { return }
        var mantissa = s[..<e], exponent = s[(e + 1)...]
        if mantissa.first == UInt8(ascii: "-") { mantissa = mantissa.dropFirst() }
        if exponent.first == UInt8(ascii: "-") || exponent.first == UInt8(ascii: "+") { exponent = exponent.dropFirst() }
        guard !mantissa.isEmpty, !exponent.isEmpty, exponent.allSatisfy(isDigit),
              mantissa.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: ".") }), mantissa.filter({ $0 == UInt8(ascii: ".") }).count <= 1,
              isDigit(mantissa.first!), isDigit(mantissa.last!) else { return }
        s = Array(s[..<e]) + Array("\\times 10^{".utf8) + Array(s[(e + 1)...]) + [UInt8(ascii: "}")]
    }

    /// `1\frac{4}{5}` as the whole answer: a mixed number, 1 + 4/5.
    private static func mixedNumber(_ s: inout [UInt8]) {
        guard let slash = s.firstIndex(of: UInt8(ascii: "\\")), slash > 0 else { return }
        var whole = Array(s[..<slash])
        trim(&whole)
        let negative = whole.first == UInt8(ascii: "-")
        let digits = negative ? Array(whole.dropFirst()) : whole
        guard !digits.isEmpty, digits.allSatisfy(isDigit) else { return }
        var rest = Array(s[slash...])
        for variant in ["\\dfrac", "\\tfrac", "\\cfrac"] { replace(&rest, variant, "\\frac") }
        let frac = Array("\\frac{".utf8)
        guard rest.count > frac.count, rest[..<frac.count].elementsEqual(frac) else { return }
        let inner = rest[frac.count...]
        let pieces = inner.split(separator: UInt8(ascii: "}"), omittingEmptySubsequences: false)
        guard pieces.count == 3, pieces[2].isEmpty, pieces[0].allSatisfy(isDigit), !pieces[0].isEmpty,
              pieces[1].first == UInt8(ascii: "{"), pieces[1].dropFirst().allSatisfy(isDigit), pieces[1].count > 1 else { return }
        s = Array("\(negative ? "-" : "")(\(String(decoding: digits, as: UTF8.self))+".utf8) + rest + [UInt8(ascii: ")")]
    }
}

private extension String {
    var trimmingSpaces: String {
        var t = Substring(self)
        while t.first == " " { t = t.dropFirst() }
        while t.last == " " { t = t.dropLast() }
        return String(t)
    }
}
