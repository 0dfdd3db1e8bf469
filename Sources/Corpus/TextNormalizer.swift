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

    /// What happens to a command of ``droppedCommands`` or ``commandAliases``, found by the hash of its bytes
    /// (then compared byte for byte): a lookup without making a String of every command in a text.
    private enum Rewrite { case drop, alias([UInt8]) }
    private static let rewrites: [UInt64: (name: [UInt8], rewrite: Rewrite)] = {
        var table: [UInt64: (name: [UInt8], rewrite: Rewrite)] = [:]
        for name in droppedCommands { table[bytesHash(Array(name.utf8))] = (Array(name.utf8), .drop) }
        for (name, alias) in commandAliases { table[bytesHash(Array(name.utf8))] = (Array(name.utf8), .alias(Array(alias.utf8))) }
        precondition(table.count == droppedCommands.count + commandAliases.count, "two commands share a hash")
        return table
    }()

    /// FNV-1a of bytes, case kept.
    private static func bytesHash<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// A token's kind: words and numbers count as words for the short-problem rule.
    public enum TokenKind { case word, number, command, symbol }

    /// Calls `body` with each canonical token's UTF-8 bytes and kind, in order.
    public static func forEachToken(_ text: String, _ body: (UnsafeBufferPointer<UInt8>, TokenKind) -> Void) {
        forEachToken(folded: nfkc(text), body)
    }

    /// ``forEachToken(_:_:)`` of a text already in NFKC.
    private static func forEachToken(folded text: String, _ body: (UnsafeBufferPointer<UInt8>, TokenKind) -> Void) {
        var folded = text
        folded.withUTF8 { s in
            let n = s.count
            var i = 0
            while i < n {
                let c = s[i]
                if c < 0x80 {
                    if isSpace(c) || c == UInt8(ascii: "$") || c == UInt8(ascii: "~") { i += 1; continue }
                    if c == UInt8(ascii: "\\") {
                        i = command(s, at: i, body)
                        continue
                    }
                    if isASCIILetter(c) {
                        let end = wordEnd(s, from: i)
                        body(UnsafeBufferPointer(rebasing: s[i..<end]), .word)
                        i = end
                        continue
                    }
                    if isDigit(c) {
                        var j = i + 1
                        while j < n, isDigit(s[j]) || (s[j] == UInt8(ascii: ".") && j + 1 < n && isDigit(s[j + 1])) { j += 1 }
                        body(UnsafeBufferPointer(rebasing: s[i..<j]), .number)
                        i = j
                        continue
                    }
                    body(UnsafeBufferPointer(rebasing: s[i..<(i + 1)]), .symbol)
                    i += 1
                    continue
                }
                // Non-ASCII: decode one scalar.
                let (scalar, length) = decode(s, at: i)
                if scalar.properties.isWhitespace { i += length; continue }
                if scalar.properties.isAlphabetic {
                    let end = wordEnd(s, from: i)
                    body(UnsafeBufferPointer(rebasing: s[i..<end]), .word)
                    i = end
                    continue
                }
                body(UnsafeBufferPointer(rebasing: s[i..<(i + length)]), .symbol)
                i += length
            }
        }
    }

    /// Handles a backslash at `i`: a command (aliased or dropped) or an escaped symbol; returns the next index.
    private static func command(_ s: UnsafeBufferPointer<UInt8>, at i: Int,
                                _ body: (UnsafeBufferPointer<UInt8>, TokenKind) -> Void) -> Int {
        let n = s.count
        guard i + 1 < n else { return i + 1 }
        var j = i + 1
        while j < n, isASCIILetter(s[j]) { j += 1 }
        if j > i + 1 {
            let name = UnsafeBufferPointer(rebasing: s[i..<j])
            if let entry = rewrites[bytesHash(name)], entry.name.elementsEqual(name) {
                if case .alias(let alias) = entry.rewrite { alias.withUnsafeBufferPointer { body($0, .command) } }
            } else {
                body(name, .command)
            }
            return j
        }
        // \, \; \! \: \> and "\ " (spacing), \( \) \[ \] (delimiters), \\ (line break): dropped;
        // other escaped symbols (\{ \} \% \$ \#) are tokens.
        let next = s[i + 1]
        switch next {
        case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "!"), UInt8(ascii: ":"), UInt8(ascii: ">"),
             UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "\\"):
            return i + 2
        default:
            if isSpace(next) { return i + 2 }
            let length = next < 0x80 ? 1 : decode(s, at: i + 1).1
            body(UnsafeBufferPointer(rebasing: s[i..<(i + 1 + length)]), .symbol)
            return i + 1 + length
        }
    }

    /// The end of a word starting at `i`: letters (any script), with apostrophes between letters.
    private static func wordEnd(_ s: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
        var j = i
        let n = s.count
        while j < n {
            let c = s[j]
            if c < 0x80 {
                if isASCIILetter(c) { j += 1; continue }
                if c == UInt8(ascii: "'"), j + 1 < n, j > i, isASCIILetter(s[j + 1]) { j += 1; continue }
                break
            }
            let (scalar, length) = decode(s, at: j)
            guard scalar.properties.isAlphabetic else { break }
            j += length
        }
        return j
    }

    /// The canonical tokens of `text`, case kept.
    public static func tokens(_ text: String) -> [String] {
        var result: [String] = []
        forEachToken(text) { bytes, _ in result.append(String(decoding: bytes, as: UTF8.self)) }
        return result
    }

    /// The normalised text: tokens joined by single spaces.
    public static func normalize(_ text: String) -> String {
        String(decoding: normalizedBytes(text), as: UTF8.self)
    }

    static func normalizedBytes(_ text: String) -> [UInt8] {
        let folded = nfkc(text)
        // Tokens are copies of the folded text's bytes, an alias at most one byte longer per three, each
        // token after the first preceded by one space: three times the folded length always suffices.
        return [UInt8](unsafeUninitializedCapacity: 3 * folded.utf8.count + 8) { buffer, count in
            forEachToken(folded: folded) { bytes, _ in
                if count > 0 { buffer[count] = 0x20; count += 1 }
                UnsafeMutableRawPointer(buffer.baseAddress! + count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
                count += bytes.count
            }
        }
    }

    /// The hash that identifies exact duplicates: 128 bits of SHA-256 of the normalised text, as hex.
    public static func hash(_ text: String) -> String {
        let hasher = SHA256()
        hasher.update(normalizedBytes(text))
        return hexString(Array(hasher.digest().prefix(16)))
    }

    /// What deduplication needs of a text in one pass: its token hashes and its number of words.
    public static func analyze(_ text: String) -> (tokenHashes: [UInt64], words: Int) {
        var hashes: [UInt64] = []
        hashes.reserveCapacity(text.utf8.count / 3)
        var words = 0
        forEachToken(text) { bytes, kind in
            hashes.append(Shingles.tokenHash(bytes))
            if kind == .word || kind == .number { words += 1 }
        }
        return (hashes, words)
    }

    static func nfkc(_ text: String) -> String {
        var copy = text
        let ascii = copy.withUTF8 { asciiRunEnd($0) == $0.count }
        return ascii ? copy : text.precomposedStringWithCompatibilityMapping
    }

    /// Decodes the scalar at `i` of valid UTF-8 (strings are valid by construction).
    @inline(__always)
    private static func decode(_ s: UnsafeBufferPointer<UInt8>, at i: Int) -> (UnicodeScalar, Int) {
        let b = s[i]
        let length = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
        guard i + length <= s.count else { return ("\u{FFFD}", 1) }
        var v = UInt32(b) & (0xFF >> UInt32(length + 1))
        for k in 1..<length { v = v << 6 | UInt32(s[i + k] & 0x3F) }
        return (UnicodeScalar(v) ?? "\u{FFFD}", length)
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
    @inline(__always) static func isASCIILetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
}
