import Foundation

/// Turns problem text into the canonical token sequence that deduplication and decontamination compare.
///
/// The rules, and why:
/// - Unicode NFKC, so full-width digits, ligatures and compatibility forms compare equal.
/// - LaTeX spelling variants fold: `\dfrac`, `\tfrac`, `\cfrac` become `\frac`; `\left`, `\right`,
///   `\displaystyle` and spacing commands (`\,` `\;` `\!` `\quad` ...) vanish; `$`, `\(`, `\)`, `\[`, `\]`
///   delimiters vanish. These change how a problem looks, not what it asks.
/// - Text splits into tokens: words (letter runs), numbers (digit runs with a decimal part), LaTeX
///   commands, and single symbols, so `x+1` and `x + 1` agree.
/// - Numbers are KEPT as written: two problems that differ only in their numbers are different
///   problems with different answers (normalisers that map digits to 0 merge them; see
///   shared/research/curation-anchors.md 4.3).
public enum TextNormalizer {
    /// LaTeX commands that only change spacing or sizing, dropped.
    static let droppedCommands: Set<String> = [
        "\\left", "\\right", "\\displaystyle", "\\textstyle", "\\quad", "\\qquad", "\\big", "\\Big",
        "\\bigg", "\\Bigg", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\biggl", "\\biggr", "\\limits",
        "\\nonumber", "\\hfill", "\\medskip", "\\smallskip", "\\bigskip", "\\noindent", "\\newline",
    ]
    /// LaTeX commands spelled several ways for one meaning.
    static let commandAliases: [String: String] = [
        "\\dfrac": "\\frac", "\\tfrac": "\\frac", "\\cfrac": "\\frac", "\\dbinom": "\\binom", "\\tbinom": "\\binom",
        "\\le": "\\leq", "\\ge": "\\geq", "\\ne": "\\neq", "\\lbrace": "\\{", "\\rbrace": "\\}",
        "\\mbox": "\\text", "\\textrm": "\\text", "\\mathrm": "\\text", "\\operatorname": "\\text",
    ]

    /// The canonical tokens of `text`, case kept.
    public static func tokens(_ text: String) -> [Substring] {
        let folded = nfkc(text)
        var result: [Substring] = []
        result.reserveCapacity(folded.utf8.count / 3)
        let scalars = folded.unicodeScalars
        var i = scalars.startIndex
        let end = scalars.endIndex
        while i < end {
            let c = scalars[i]
            if c.properties.isWhitespace || c == "$" || c == "~" {
                i = scalars.index(after: i)
            } else if c == "\\" {
                let next = scalars.index(after: i)
                guard next < end else { i = next; continue }
                if isLetter(scalars[next]) {
                    var j = next
                    while j < end, isASCIILetter(scalars[j]) { j = scalars.index(after: j) }
                    if j == next { j = scalars.index(after: j) }
                    let command = Substring(scalars[i..<j])
                    if let alias = commandAliases[String(command)] {
                        result.append(Substring(alias))
                    } else if !droppedCommands.contains(String(command)) {
                        result.append(command)
                    }
                    i = j
                } else {
                    // \, \; \! \: \  (spacing), \( \) \[ \] (delimiters), \\ (line break): dropped;
                    // other escaped symbols (\{ \} \% \$ \#) are tokens.
                    let symbol = scalars[next]
                    if ",;!: ()[]\\>".unicodeScalars.contains(symbol) || symbol.properties.isWhitespace {
                        // dropped
                    } else {
                        result.append(Substring(scalars[i..<scalars.index(after: next)]))
                    }
                    i = scalars.index(after: next)
                }
            } else if isLetter(c) {
                var j = scalars.index(after: i)
                while j < end, isLetter(scalars[j]) || scalars[j] == "'" && j < end && nextIsLetter(scalars, j) {
                    j = scalars.index(after: j)
                }
                result.append(Substring(scalars[i..<j]))
                i = j
            } else if isDigit(c) {
                var j = scalars.index(after: i)
                while j < end {
                    if isDigit(scalars[j]) { j = scalars.index(after: j); continue }
                    if scalars[j] == ".", nextIsDigit(scalars, j) { j = scalars.index(after: j); continue }
                    break
                }
                result.append(Substring(scalars[i..<j]))
                i = j
            } else {
                let j = scalars.index(after: i)
                result.append(Substring(scalars[i..<j]))
                i = j
            }
        }
        return result
    }

    /// The normalised text: tokens joined by single spaces.
    public static func normalize(_ text: String) -> String {
        tokens(text).joined(separator: " ")
    }

    /// The hash that identifies exact duplicates: 128 bits of SHA-256 of the normalised text, as hex.
    public static func hash(_ text: String) -> String {
        String(SHA256.hex(of: normalize(text).utf8).prefix(32))
    }

    /// The number of words (letter or digit runs) in `text`, used to tell very short problems apart.
    public static func wordCount(_ tokens: [Substring]) -> Int {
        tokens.reduce(0) { count, token in
            guard let first = token.unicodeScalars.first else { return count }
            return count + (isLetter(first) || isDigit(first) ? 1 : 0)
        }
    }

    static func nfkc(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        return text.precomposedStringWithCompatibilityMapping
    }

    @inline(__always) static func isASCIILetter(_ c: UnicodeScalar) -> Bool {
        (c.value >= 65 && c.value <= 90) || (c.value >= 97 && c.value <= 122)
    }
    @inline(__always) static func isLetter(_ c: UnicodeScalar) -> Bool {
        c.value < 128 ? isASCIILetter(c) : c.properties.isAlphabetic
    }
    @inline(__always) static func isDigit(_ c: UnicodeScalar) -> Bool { c.value >= 48 && c.value <= 57 }

    private static func nextIsDigit(_ s: String.UnicodeScalarView, _ i: String.UnicodeScalarView.Index) -> Bool {
        let n = s.index(after: i)
        return n < s.endIndex && isDigit(s[n])
    }
    private static func nextIsLetter(_ s: String.UnicodeScalarView, _ i: String.UnicodeScalarView.Index) -> Bool {
        let n = s.index(after: i)
        return n < s.endIndex && isLetter(s[n])
    }
}
