import Foundation

/// Parses a normalised answer (LaTeX or plain) into an ``Expr``; nil when it is not math.
///
/// Bounded: at most ``MathParser/maxLength`` characters and ``MathParser/maxDepth`` levels of nesting,
/// so no input can make it recurse without end.
public struct MathParser {
    public static let maxLength = 4_000
    public static let maxDepth = 100

    enum Token: Equatable {
        case number(String)
        case letter(String)
        case command(String)      // \name, without the backslash
        case symbol(Character)    // + - * / ^ _ ( ) [ ] { } , ; = < > | ! & and the like
        case text(String)         // the contents of \text{...}
    }

    private var tokens: [Token] = []
    private var index = 0
    private var depth = 0

    /// The expression `text` denotes, or nil.
    public static func parse(_ text: String) -> Expr? {
        guard text.count <= maxLength else { return nil }
        var parser = MathParser()
        guard let tokens = tokenize(text), !tokens.isEmpty else { return nil }
        parser.tokens = tokens
        guard let expr = try? parser.answer(), parser.index == parser.tokens.count else { return nil }
        return expr
    }

    struct Failure: Error {}

    // MARK: - Tokens

    static func tokenize(_ text: String) -> [Token]? {
        var out: [Token] = []
        let chars = Array(text.unicodeScalars).map(Character.init)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace || c == "~" { i += 1; continue }
            if c.isASCII && c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
                var j = i
                while j < chars.count, chars[j].isASCII && chars[j].isNumber || (chars[j] == "." && j + 1 < chars.count && chars[j + 1].isNumber && !String(chars[i..<j]).contains(".")) { j += 1 }
                out.append(.number(String(chars[i..<j])))
                i = j
                continue
            }
            if c == "\\" {
                var j = i + 1
                while j < chars.count, chars[j].isASCII && chars[j].isLetter { j += 1 }
                if j == i + 1 {
                    guard j < chars.count else { return nil }
                    let s = chars[j]
                    switch s {
                    case "{", "}": out.append(.symbol(s == "{" ? "⦃" : "⦄"))   // literal braces (sets)
                    case ",", ";", ":", "!", " ", ">": break                   // spacing
                    case "\\": out.append(.symbol("⏎"))                          // row break
                    case "%": out.append(.symbol("%"))
                    default: out.append(.symbol(s))
                    }
                    i = j + 1
                    continue
                }
                let name = String(chars[(i + 1)..<j])
                if ["text", "textnormal", "mathrm", "textbf", "mathbf", "mbox", "textit", "mathit", "operatorname", "mathsf", "rm"].contains(name) {
                    // \text{...}: its raw contents.
                    var k = j
                    while k < chars.count, chars[k] == " " { k += 1 }
                    guard k < chars.count, chars[k] == "{" else { i = j; continue }
                    var level = 0, end = k
                    while end < chars.count {
                        if chars[end] == "{" { level += 1 }
                        if chars[end] == "}" { level -= 1; if level == 0 { break } }
                        end += 1
                    }
                    guard end < chars.count else { return nil }
                    out.append(.text(String(chars[(k + 1)..<end])))
                    i = end + 1
                    continue
                }
                out.append(.command(name))
                i = j
                continue
            }
            if c.isLetter {
                out.append(.letter(String(c)))
                i += 1
                continue
            }
            out.append(.symbol(c))
            i += 1
        }
        return out
    }

    // MARK: - Grammar

    private var peek: Token? { index < tokens.count ? tokens[index] : nil }

    private mutating func next() -> Token? {
        defer { index += 1 }
        return peek
    }

    private mutating func expect(_ s: Character) throws {
        guard peek == .symbol(s) else { throw Failure() }
        index += 1
    }

    private mutating func enter() throws {
        depth += 1
        if depth > MathParser.maxDepth { throw Failure() }
    }

    /// A whole answer: a list of relations separated by commas or semicolons (two or more make a set).
    mutating func answer() throws -> Expr {
        let items = try list()
        return items.count == 1 ? items[0] : .set(items)
    }

    private mutating func list() throws -> [Expr] {
        var items = [try relation()]
        while peek == .symbol(",") || peek == .symbol(";") {
            index += 1
            items.append(try relation())
        }
        return items
    }

    private mutating func relation() throws -> Expr {
        var lhs = try union()
        while let op = relationOperator() {
            if op == "∈" {
                lhs = try union()   // `x \in S` means S
                continue
            }
            let rhs = try union()
            guard let rel = Expr.Relation(rawValue: op) else { throw Failure() }
            // Chains keep the last comparison's structure: `a < x < b` as two relations in a set.
            if case .relation(_, _, let middle) = lhs {
                return .set([lhs, .relation(rel, middle, rhs)])
            }
            lhs = .relation(rel, lhs, rhs)
        }
        return lhs
    }

    private mutating func relationOperator() -> String? {
        guard let t = peek else { return nil }
        var op: String?
        switch t {
        case .symbol("="): op = "="
        case .symbol("<"): op = "<"
        case .symbol(">"): op = ">"
        case .command("le"), .command("leq"), .command("leqslant"): op = "<="
        case .command("ge"), .command("geq"), .command("geqslant"): op = ">="
        case .command("ne"), .command("neq"): op = "!="
        case .command("approx"): op = "≈"
        case .command("in"): op = "∈"
        case .command("lt"): op = "<"
        case .command("gt"): op = ">"
        default: return nil
        }
        index += 1
        if (op == "<" || op == ">") && peek == .symbol("=") { index += 1; op! += "=" }
        return op
    }

    private mutating func union() throws -> Expr {
        var parts = [try sum()]
        while peek == .command("cup") {
            index += 1
            parts.append(try sum())
        }
        return parts.count == 1 ? parts[0] : .union(parts)
    }

    private mutating func sum() throws -> Expr {
        try enter()
        defer { depth -= 1 }
        var terms: [Expr] = []
        var plusMinus: Expr?
        if peek == .command("pm") { index += 1; plusMinus = try product(); terms = [] }
        else { terms.append(try signedProduct()) }
        while let t = peek {
            switch t {
            case .symbol("+"): index += 1; terms.append(try product())
            case .symbol("-"): index += 1; terms.append(.neg(try product()))
            case .command("pm"), .command("mp"):
                index += 1
                guard plusMinus == nil else { throw Failure() }
                plusMinus = try product()
            default:
                let base: Expr = terms.count == 1 ? terms[0] : terms.isEmpty ? .number(Rational(0)) : .add(terms)
                if let pm = plusMinus { return .set([.add([base, pm]), .add([base, .neg(pm)])]) }
                return base
            }
        }
        let base: Expr = terms.count == 1 ? terms[0] : terms.isEmpty ? .number(Rational(0)) : .add(terms)
        if let pm = plusMinus { return .set([.add([base, pm]), .add([base, .neg(pm)])]) }
        return base
    }

    private mutating func signedProduct() throws -> Expr {
        if peek == .symbol("-") { index += 1; return .neg(try signedProduct()) }
        if peek == .symbol("+") { index += 1; return try signedProduct() }
        return try product()
    }

    private mutating func product() throws -> Expr {
        var factors = [try power()]
        while let t = peek {
            switch t {
            case .symbol("*"), .command("cdot"), .command("times"), .command("ast"):
                index += 1
                factors.append(try signedPower())
            case .symbol("/"), .command("div"):
                index += 1
                let d = try signedPower()
                factors.append(.pow(d, .number(Rational(-1))))
            case .symbol("%"):
                index += 1
                let value: Expr = factors.count == 1 ? factors[0] : .mul(factors)
                factors = [.percent(value)]
            default:
                guard startsPrimary(t) else { return factors.count == 1 ? factors[0] : .mul(factors) }
                factors.append(try power())
            }
        }
        return factors.count == 1 ? factors[0] : .mul(factors)
    }

    private mutating func signedPower() throws -> Expr {
        if peek == .symbol("-") { index += 1; return .neg(try signedPower()) }
        return try power()
    }

    private func startsPrimary(_ t: Token) -> Bool {
        switch t {
        case .number, .letter, .text: return true
        case .symbol(let s): return s == "(" || s == "[" || s == "{" || s == "⦃" || s == "|"
        case .command(let c):
            return !["cdot", "times", "div", "pm", "mp", "le", "leq", "ge", "geq", "ne", "neq", "approx", "in", "cup", "lt", "gt",
                     "end", "right", "quad", "qquad", "leqslant", "geqslant", "ast", "to", "rightarrow"].contains(c)
        }
    }

    private mutating func power() throws -> Expr {
        try enter()
        defer { depth -= 1 }
        var base = try postfix()
        if peek == .symbol("^") {
            index += 1
            let exponent = try exponentArgument()
            base = .pow(base, exponent)
        }
        return base
    }

    private mutating func exponentArgument() throws -> Expr {
        if peek == .symbol("{") { return try group() }
        if peek == .symbol("-") { index += 1; return .neg(try exponentArgument()) }
        // A single token: ^2, ^x, ^\pi.
        guard let t = next() else { throw Failure() }
        switch t {
        case .number(let n): return number(String(n.prefix(1))).map { expr in
            if n.count > 1 { index -= 1; tokens[index] = .number(String(n.dropFirst())) ; index -= 0 }
            return expr } ?? .symbol(n)
        case .letter(let l): return .symbol(l)
        case .command(let c): index -= 1; _ = c; return try primary()
        default: throw Failure()
        }
    }

    private mutating func postfix() throws -> Expr {
        var e = try primary()
        while true {
            if peek == .symbol("!") {
                index += 1
                e = .function("factorial", [e])
            } else if peek == .symbol("'") {
                index += 1
                if case .symbol(let s) = e { e = .symbol(s + "'") } else { throw Failure() }
            } else if peek == .symbol("_") {
                index += 1
                let sub = try subscriptText()
                switch e {
                case .symbol(let s): e = .symbol(s + "_" + sub)
                case .number(let n), .decimal(let n): e = .text("\(n)_\(sub)")   // a number in base `sub`
                default: throw Failure()
                }
            } else {
                return e
            }
        }
    }

    private mutating func subscriptText() throws -> String {
        if peek == .symbol("{") {
            index += 1
            var parts: [String] = []
            while let t = next(), t != .symbol("}") { parts.append(describe(t)) }
            return parts.joined()
        }
        guard let t = next() else { throw Failure() }
        return describe(t)
    }

    private func describe(_ t: Token) -> String {
        switch t {
        case .number(let s), .letter(let s), .text(let s): return s
        case .command(let c): return "\\" + c
        case .symbol(let s): return String(s)
        }
    }

    private mutating func group() throws -> Expr {
        try expect("{")
        let items = try list()
        try expect("}")
        return items.count == 1 ? items[0] : .set(items)
    }

    private func number(_ s: String) -> Expr? {
        guard let r = Rational.parse(s) else { return nil }
        return s.contains(".") ? .decimal(r) : .number(r)
    }

    private mutating func primary() throws -> Expr {
        try enter()
        defer { depth -= 1 }
        guard let t = next() else { throw Failure() }
        switch t {
        case .number(let n):
            guard let e = number(n) else {
                guard let d = Double(n) else { throw Failure() }
                return .function("float", [.text(String(d))])
            }
            return e
        case .letter(let l):
            return l == "i" ? .constant(.i) : l == "e" ? .constant(.e) : .symbol(l)
        case .text(let s):
            let trimmed = s.trimmingCharacters(in: .whitespaces)
            if let n = NumberWords.value(trimmed) { return .number(Rational(n)) }
            // \mathrm{i}, \text{e}, \text{12}: math in text clothing.
            if let e = MathParser.parse(trimmed) {
                switch e {
                case .number, .decimal, .constant: return e
                case .symbol(let name) where name.count == 1: return e
                default: break
                }
            }
            return .text(trimmed)
        case .symbol("("), .symbol("["):
            return try bracketed(opener: t == .symbol("(") ? "(" : "[")
        case .symbol("{"):
            index -= 1
            return try group()
        case .symbol("⦃"):
            let items = peek == .symbol("⦄") ? [] : try list()
            try expect("⦄")
            return .set(items)
        case .symbol("|"):
            let inner = try sum()
            try expect("|")
            return .function("abs", [inner])
        case .command(let c):
            return try command(c)
        default:
            throw Failure()
        }
    }

    /// `( … )` or `[ … ]`, closed by either bracket: an interval when the brackets differ or an end is
    /// infinite, a tuple when there are several items, else a parenthesised expression.
    private mutating func bracketed(opener: Character) throws -> Expr {
        let items = try list()
        guard let close = next(), close == .symbol(")") || close == .symbol("]") else { throw Failure() }
        let closer: Character = close == .symbol(")") ? ")" : "]"
        if items.count == 1 {
            guard opener == "(" && closer == ")" || opener == "[" && closer == "]" else { throw Failure() }
            return items[0]
        }
        let infinite = items.contains { if case .constant(.infinity) = $0 { return true }; if case .neg(.constant(.infinity)) = $0 { return true }; return false }
        if items.count == 2 && (opener != closer.opening || infinite || opener == "[") {
            return .interval(leftClosed: opener == "[", items[0], items[1], rightClosed: closer == "]")
        }
        return .tuple(items)
    }

    private mutating func command(_ c: String) throws -> Expr {
        switch c {
        case "frac", "dfrac", "tfrac", "cfrac":
            let a = try argument(), b = try argument()
            return .div(a, b)
        case "sqrt":
            if peek == .symbol("[") {
                index += 1
                let n = try sum()
                try expect("]")
                return .function("root", [try argument(), n])
            }
            return .pow(try argument(), .number(Rational(1, 2)))
        case "pi": return .constant(.pi)
        case "infty", "infinity": return .constant(.infinity)
        case "emptyset", "varnothing": return .set([])
        case "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "exp", "ln", "log":
            var base: Expr?
            if c == "log" && peek == .symbol("_") { index += 1; base = try exponentArgument() }
            var exponent: Expr?
            if peek == .symbol("^") { index += 1; exponent = try exponentArgument() }
            let arg = try power()
            var f: Expr = .function(c, [arg] + (base.map { [$0] } ?? []))
            if let exponent {
                // \sin^{-1} is the inverse; other powers apply to the value.
                if case .neg(.number(let one)) = exponent, one == Rational(1), ["sin", "cos", "tan"].contains(c) { f = .function("arc" + c, [arg]) }
                else { f = .pow(f, exponent) }
            }
            return f
        case "begin":
            return try environment()
        case "alpha", "beta", "gamma", "delta", "theta", "lambda", "mu", "sigma", "phi", "omega", "tau", "rho", "epsilon", "varepsilon", "varphi", "psi", "eta", "zeta", "xi", "chi", "kappa", "nu", "Delta", "Gamma", "Omega", "Phi", "Theta", "Lambda", "Sigma":
            return .symbol("\\" + c)
        case "overline", "bar", "hat", "vec", "mathbb", "mathcal", "boldsymbol":
            let inner = try argument()
            if case .symbol(let s) = inner { return .symbol("\\\(c){\(s)}") }
            return inner
        case "binom", "dbinom", "tbinom":
            return .function("binom", [try argument(), try argument()])
        case "circ":
            return .number(Rational(1))   // a stray degree sign
        default:
            throw Failure()
        }
    }

    /// A braced argument, or a single token (\frac12, \sqrt3).
    private mutating func argument() throws -> Expr {
        if peek == .symbol("{") { return try group() }
        guard let t = next() else { throw Failure() }
        switch t {
        case .number(let n):
            // \frac12: one digit per argument.
            if n.count > 1, !n.contains(".") {
                tokens.insert(.number(String(n.dropFirst())), at: index)
                return number(String(n.prefix(1)))!
            }
            return number(n) ?? .symbol(n)
        case .letter(let l): return l == "e" ? .constant(.e) : l == "i" ? .constant(.i) : .symbol(l)
        case .command:
            index -= 1
            return try primary()
        default: throw Failure()
        }
    }

    /// \begin{pmatrix} … \end{pmatrix} (also bmatrix, matrix, array with a column spec).
    private mutating func environment() throws -> Expr {
        try expect("{")
        var name = ""
        while let t = next(), t != .symbol("}") { name += describe(t) }
        if name == "array", peek == .symbol("{") {
            while let t = next(), t != .symbol("}") {}
        }
        var rows: [[Expr]] = [[]]
        while true {
            if peek == .command("end") {
                index += 1
                try expect("{")
                while let t = next(), t != .symbol("}") {}
                break
            }
            if peek == .symbol("&") { index += 1; continue }
            if peek == .symbol("⏎") { index += 1; rows.append([]); continue }
            guard peek != nil else { throw Failure() }
            rows[rows.count - 1].append(try relation())
        }
        rows.removeAll { $0.isEmpty }
        guard !rows.isEmpty else { throw Failure() }
        return .matrix(rows)
    }
}

private extension Character {
    var opening: Character { self == ")" ? "(" : "[" }
}
