import Foundation

/// Turns the HTML of a forum post into readable text, leaving LaTeX (`$...$`) untouched.
///
/// Paragraphs and line breaks become newlines, list items become `- ` lines, links and code keep their
/// text, images their alt text; every other tag is dropped and character references are decoded.
public enum HTMLText {
    public static func text(fromHTML html: String) -> String {
        var out = ""
        out.reserveCapacity(html.utf8.count)
        var i = html.startIndex
        while i < html.endIndex {
            let c = html[i]
            if c == "<", let close = html[i...].firstIndex(of: ">") {
                let tag = html[html.index(after: i)..<close]
                appendTag(tag, to: &out)
                i = html.index(after: close)
            } else if c == "&", let (decoded, next) = decodeEntity(html, at: i) {
                out += decoded
                i = next
            } else {
                out.append(c)
                i = html.index(after: i)
            }
        }
        return tidy(out)
    }

    private static func appendTag(_ tag: Substring, to out: inout String) {
        let name = tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
        let closing = tag.hasPrefix("/")
        switch name {
        case "p", "div", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol":
            out += "\n\n"
        case "br", "hr", "tr": out += "\n"
        case "li": if !closing { out += "\n- " }
        case "td", "th": if !closing { out += " | " }
        case "img":
            if let alt = attribute("alt", in: tag), !alt.isEmpty { out += "[image: \(alt)]" }
        default: break
        }
    }

    private static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let r = tag.range(of: name + "=\"") else { return nil }
        let rest = tag[r.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    private static let named: [Substring: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "ndash": "–", "mdash": "—",
        "hellip": "…", "times": "×", "divide": "÷", "deg": "°", "pi": "π", "le": "≤", "ge": "≥", "ne": "≠",
        "rsquo": "’", "lsquo": "‘", "rdquo": "”", "ldquo": "“", "minus": "−", "plusmn": "±",
    ]

    /// Decodes `&name;`, `&#N;` or `&#xH;` at `i`; nil when the text there is no reference.
    static func decodeEntity(_ s: String, at i: String.Index) -> (String, String.Index)? {
        guard let semicolon = s[i...].prefix(12).firstIndex(of: ";") else { return nil }
        let body = s[s.index(after: i)..<semicolon]
        let next = s.index(after: semicolon)
        if body.hasPrefix("#x") || body.hasPrefix("#X") {
            guard let v = UInt32(body.dropFirst(2), radix: 16), let u = UnicodeScalar(v) else { return nil }
            return (String(Character(u)), next)
        }
        if body.hasPrefix("#") {
            guard let v = UInt32(body.dropFirst()), let u = UnicodeScalar(v) else { return nil }
            return (String(Character(u)), next)
        }
        return named[body].map { ($0, next) }
    }

    /// Trims lines, folds runs of blank lines to one, trims the ends.
    static func tidy(_ text: String) -> String {
        var lines: [Substring] = []
        var blank = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                blank += 1
                if blank == 1, !lines.isEmpty { lines.append("") }
            } else {
                blank = 0
                lines.append(Substring(trimmed))
            }
        }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
