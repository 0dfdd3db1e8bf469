import Foundation

/// Dataset text is untrusted: it reaches HTML and Markdown only through these functions.
public enum Escape {
    /// Text for HTML element content or a quoted attribute: `& < > " '` become entities.
    public static func html(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Text for a GitHub-flavoured Markdown table cell: `& < >` as entities (GitHub renders inline HTML, and
    /// with no `<` no tag can open, so quotes stay as they are, readable in the raw file), pipes, backticks
    /// and backslashes escaped, line breaks folded.
    public static func markdownCell(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "`", with: "\\`").split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// At most `width` characters of `text` on one line.
    public static func shortened(_ text: String, _ width: Int) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count <= width ? line : String(line.prefix(width - 1)) + "…"
    }
}
