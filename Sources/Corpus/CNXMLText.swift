import Foundation

/// Renders a CNXML subtree as readable text, with MathML turned into LaTeX between `$...$`.
enum CNXMLText {
    static func render(_ node: XMLNodeView) -> String {
        var out = ""
        walk(node, into: &out)
        return HTMLText.tidy(out)
    }

    private static func walk(_ node: XMLNodeView, into out: inout String) {
        for child in node.children {
            if child.isText {
                out += collapse(child.text)
                continue
            }
            guard child.isElement else { continue }
            switch child.name {
            case "math":
                out += "$" + MathMLLaTeX.latex(child).trimmingCharacters(in: .whitespaces) + "$"
            case "para", "title", "list", "table", "caption", "note":
                out += "\n"
                walk(child, into: &out)
                out += "\n"
            case "item":
                out += "\n- "
                walk(child, into: &out)
            case "row":
                out += "\n"
                walk(child, into: &out)
            case "entry":
                out += " | "
                walk(child, into: &out)
            case "newline": out += "\n"
            case "sup": out += "^{"; walk(child, into: &out); out += "}"
            case "sub": out += "_{"; walk(child, into: &out); out += "}"
            case "figure", "media", "image", "metadata": break
            default: walk(child, into: &out)
            }
        }
    }

    private static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\t" }).joined(separator: " ")
    }
}

/// Presentation MathML to LaTeX, covering the elements textbooks use.
enum MathMLLaTeX {
    static let operators: [String: String] = [
        "−": "-", "×": "\\times ", "·": "\\cdot ", "⋅": "\\cdot ", "÷": "\\div ", "±": "\\pm ", "∓": "\\mp ",
        "≤": "\\leq ", "≥": "\\geq ", "≠": "\\neq ", "≈": "\\approx ", "∞": "\\infty ", "→": "\\to ", "∈": "\\in ",
        "∘": "\\circ ", "′": "'", "″": "''", "…": "\\ldots ", "∫": "\\int ", "∑": "\\sum ", "∏": "\\prod ",
        "⁡": "", "⁢": "", "⁣": "", "∂": "\\partial ", "Δ": "\\Delta ", "∪": "\\cup ", "∩": "\\cap ", "∅": "\\emptyset ",
        "|": "|", "∣": "|", "⇒": "\\Rightarrow ", "⇔": "\\Leftrightarrow ", "∼": "\\sim ", "°": "^\\circ ",
    ]
    static let identifiers: [String: String] = [
        "π": "\\pi ", "θ": "\\theta ", "α": "\\alpha ", "β": "\\beta ", "γ": "\\gamma ", "δ": "\\delta ", "ε": "\\epsilon ",
        "λ": "\\lambda ", "μ": "\\mu ", "σ": "\\sigma ", "φ": "\\phi ", "ω": "\\omega ", "Δ": "\\Delta ", "∞": "\\infty ",
    ]
    static let functions: Set<String> = ["sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp", "lim", "max", "min",
                                         "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh"]
    static let accents: [String: String] = ["¯": "\\overline", "‾": "\\overline", "^": "\\hat", "ˆ": "\\hat",
                                            "~": "\\tilde", "→": "\\vec", "˙": "\\dot", "⇀": "\\vec"]

    static func latex(_ node: XMLNodeView) -> String {
        let kids = node.elementChildren
        func arg(_ i: Int) -> String { i < kids.count ? latex(kids[i]) : "" }
        switch node.name {
        case "mi":
            let t = node.text.trimmingCharacters(in: .whitespaces)
            if let mapped = identifiers[t] { return mapped }
            return functions.contains(t) ? "\\\(t) " : t
        case "mn": return node.text.trimmingCharacters(in: .whitespaces)
        case "mo":
            let t = node.text.trimmingCharacters(in: .whitespaces)
            if let mapped = operators[t] { return mapped }
            return t == "{" || t == "}" ? "\\" + t : t
        case "mtext":
            let t = node.text.trimmingCharacters(in: .whitespaces)
            return t.isEmpty ? " " : "\\text{\(t)}"
        case "mspace": return " "
        case "mfrac": return "\\frac{\(arg(0))}{\(arg(1))}"
        case "msqrt": return "\\sqrt{\(kids.map(latex).joined())}"
        case "mroot": return "\\sqrt[\(arg(1))]{\(arg(0))}"
        case "msup": return "{\(arg(0))}^{\(arg(1))}"
        case "msub": return "{\(arg(0))}_{\(arg(1))}"
        case "msubsup": return "{\(arg(0))}_{\(arg(1))}^{\(arg(2))}"
        case "munder": return "\(arg(0))_{\(arg(1))}"
        case "munderover": return "\(arg(0))_{\(arg(1))}^{\(arg(2))}"
        case "mover":
            let top = kids.count > 1 ? kids[1].text.trimmingCharacters(in: .whitespaces) : ""
            if let accent = accents[top] { return "\(accent){\(arg(0))}" }
            return "\\overset{\(arg(1))}{\(arg(0))}"
        case "mfenced":
            let open = node.attribute("open") ?? "(", close = node.attribute("close") ?? ")"
            let separator = node.attribute("separators") ?? ","
            return open + kids.map(latex).joined(separator: separator) + close
        case "mtable":
            let rows = kids.map { row in row.elementChildren.map(latex).joined(separator: " & ") }
            return "\\begin{matrix}" + rows.joined(separator: " \\\\ ") + "\\end{matrix}"
        case "mtr", "mlabeledtr": return kids.map(latex).joined(separator: " & ")
        case "semantics": return kids.first.map(latex) ?? ""
        case "annotation", "annotation-xml", "mphantom": return ""
        default: return kids.map(latex).joined()
        }
    }
}
