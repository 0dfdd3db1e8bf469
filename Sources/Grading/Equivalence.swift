import Foundation

/// Decides whether a predicted answer equals the gold answer.
///
/// - Values that are rational compare exactly: integers must match, `0.5` = `\frac12`, and no tolerance
///   lets 500 pass for 5 or 10081 for 10080.
/// - Irrational values compare with a relative tolerance (1e-9 between exact forms, 1e-6 when a decimal
///   approximation is involved).
/// - Expressions with variables compare by value at several fixed sample points, never as strings.
/// - Sets and bare lists are unordered; tuples, intervals (with their brackets) and matrices ordered.
/// - An equation `x = 5` matches the value 5; two equations match when their sides' differences agree up to
///   sign or scale; inequalities also match flipped.
enum Equivalence {
    static func equal(_ gold: Expr, _ pred: Expr) -> Bool {
        if gold == pred { return true }
        switch (gold, pred) {
        case (.relation(.eq, let l, let r), .relation(.eq, let pl, let pr)):
            if isAssignmentTarget(l) && isAssignmentTarget(pl) && l == pl { return equal(r, pr) }
            return proportional(.sub(l, r), .sub(pl, pr))
        case (.relation(.eq, let l, let r), _) where isAssignmentTarget(l):
            return equal(r, pred)
        case (_, .relation(.eq, let l, let r)) where isAssignmentTarget(l):
            return equal(gold, r)
        case (.relation(let a, let l, let r), .relation(let b, let pl, let pr)):
            if a == b { return equal(l, pl) && equal(r, pr) }
            if a == flipped(b) { return equal(l, pr) && equal(r, pl) }
            return false
        case (.set(let xs), .set(let ys)):
            return unordered(flattened(xs), flattened(ys))
        case (.union(let xs), .union(let ys)):
            return unordered(xs, ys)
        case (.set(let xs), .tuple(let ys)) where xs.count == ys.count:
            return unordered(xs, ys)
        case (.tuple(let xs), .set(let ys)) where xs.count == ys.count:
            return ordered(xs, ys)
        case (.tuple(let xs), .tuple(let ys)):
            return ordered(xs, ys)
        case (.interval(let lc, let a, let b, let rc), .interval(let plc, let pa, let pb, let prc)):
            return lc == plc && rc == prc && equal(a, pa) && equal(b, pb)
        case (.interval(false, let a, let b, false), .tuple(let ys)), (.tuple(let ys), .interval(false, let a, let b, false)):
            return ys.count == 2 && equal(a, ys[0]) && equal(b, ys[1])
        case (.matrix(let a), .matrix(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.count == $1.count && ordered($0, $1) }
        case (.matrix(let a), .tuple(let ys)) where a.count == 1 || a.allSatisfy({ $0.count == 1 }):
            return ordered(Array(a.joined()), ys)
        case (.percent(let x), _):
            return equal(x, pred) || equal(.div(x, .number(Rational(100))), pred)
        case (_, .percent(let y)):
            return equal(gold, y)
        case (.text, _), (_, .text):
            return textEqual(gold, pred)
        case (.set(let xs), _) where xs.count == 1:
            return equal(xs[0], pred)
        case (_, .set(let ys)) where ys.count == 1:
            return equal(gold, ys[0])
        default:
            break
        }
        guard isScalar(gold), isScalar(pred) else { return false }
        return scalarEqual(gold, pred)
    }

    private static func isAssignmentTarget(_ e: Expr) -> Bool {
        switch e {
        case .symbol: return true
        case .function(_, let args): return args.allSatisfy { if case .symbol = $0 { return true }; return false }
        case .mul(let xs): return xs.allSatisfy { if case .symbol = $0 { return true }; return false } && xs.count <= 3
        default: return false
        }
    }

    private static func flipped(_ r: Expr.Relation) -> Expr.Relation {
        switch r {
        case .lt: return .gt
        case .gt: return .lt
        case .le: return .ge
        case .ge: return .le
        default: return r
        }
    }

    /// `{1 ± √5, -2}` is the set of three: sets inside a set (from ±) join it.
    private static func flattened(_ xs: [Expr]) -> [Expr] {
        xs.flatMap { x -> [Expr] in if case .set(let inner) = x { return flattened(inner) }; return [x] }
    }

    static func ordered(_ xs: [Expr], _ ys: [Expr]) -> Bool {
        xs.count == ys.count && zip(xs, ys).allSatisfy { equal($0, $1) }
    }

    static func unordered(_ xs: [Expr], _ ys: [Expr]) -> Bool {
        guard xs.count == ys.count else { return false }
        var used = [Bool](repeating: false, count: ys.count)
        for x in xs {
            guard let j = ys.indices.first(where: { !used[$0] && equal(x, ys[$0]) }) else { return false }
            used[j] = true
        }
        return true
    }

    private static func isScalar(_ e: Expr) -> Bool {
        switch e {
        case .set, .tuple, .interval, .union, .matrix, .relation, .text: return false
        default: return true
        }
    }

    /// Text answers: case, spacing, punctuation and `\text` wrappers aside; a single-letter text also
    /// matches the symbol (a choice letter, or `\text{Evelyn}` written plain).
    private static func textEqual(_ a: Expr, _ b: Expr) -> Bool {
        guard let x = plainText(a), let y = plainText(b) else { return false }
        return !x.isEmpty && x == y
    }

    private static func plainText(_ e: Expr) -> String? {
        let raw: String
        switch e {
        case .text(let s): raw = s
        case .symbol(let s): raw = s
        case .mul(let xs):
            var letters = ""
            for x in xs {
                switch x {
                case .symbol(let s): letters += s
                case .constant(.e): letters += "e"
                case .constant(.i): letters += "i"
                default: return nil
                }
            }
            raw = letters
        case .constant(.e): raw = "e"
        case .constant(.i): raw = "i"
        case .number(let r) where r.isInteger: raw = String(r.num)
        default: return nil
        }
        return String(raw.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == ":" })
    }

    /// Scalars: exactly when both are rational, else numerically at sample points.
    private static func scalarEqual(_ a: Expr, _ b: Expr) -> Bool {
        if let x = Evaluation.exact(a), let y = Evaluation.exact(b) { return x == y }
        if containsInfinity(a) || containsInfinity(b) { return infinitySign(a) != nil && infinitySign(a) == infinitySign(b) }
        let names = Evaluation.symbols(a).union(Evaluation.symbols(b))
        let tolerance = Evaluation.hasDecimal(a) || Evaluation.hasDecimal(b) ? 1e-6 : 1e-9
        if names.isEmpty {
            guard let x = Evaluation.numeric(a, [:]), let y = Evaluation.numeric(b, [:]) else { return false }
            // A rational gold answered by a decimal needs the exact value, not a close one.
            if Evaluation.exact(a) != nil || Evaluation.exact(b) != nil, Evaluation.hasDecimal(b) || Evaluation.hasDecimal(a) {
                if Evaluation.exact(a) != nil && Evaluation.exact(b) != nil { return false }
            }
            return close(x, y, tolerance)
        }
        guard Evaluation.symbols(a) == Evaluation.symbols(b) else { return false }
        var agreed = 0
        for env in samplePoints(names) {
            guard let x = Evaluation.numeric(a, env), let y = Evaluation.numeric(b, env) else { continue }
            guard close(x, y, tolerance) else { return false }
            agreed += 1
        }
        return agreed >= 3
    }

    /// f and g agree up to a nonzero constant factor at every sample point (equations compared by their
    /// sides' differences).
    private static func proportional(_ f: Expr, _ g: Expr) -> Bool {
        let names = Evaluation.symbols(f).union(Evaluation.symbols(g))
        guard !names.isEmpty else { return scalarEqual(f, g) || scalarEqual(f, .neg(g)) }
        var ratio: Complex?
        var agreed = 0
        for env in samplePoints(names) {
            guard let x = Evaluation.numeric(f, env), let y = Evaluation.numeric(g, env) else { continue }
            if x.magnitude < 1e-12 && y.magnitude < 1e-12 { agreed += 1; continue }
            guard y.magnitude > 1e-12 else { return false }
            let r = x / y
            if let ratio { guard close(r, ratio, 1e-9) else { return false } } else { ratio = r }
            agreed += 1
        }
        return agreed >= 3 && (ratio.map { $0.magnitude > 1e-12 } ?? true)
    }

    static func close(_ x: Complex, _ y: Complex, _ tolerance: Double) -> Bool {
        let scale = max(x.magnitude, y.magnitude, 1e-300)
        return (x - y).magnitude <= tolerance * max(scale, tolerance > 1e-8 ? 1e-12 : 1)
    }

    /// Fixed pseudo-random sample points: the same on every run and machine.
    private static func samplePoints(_ names: Set<String>) -> [[String: Complex]] {
        let sorted = names.sorted()
        let bases: [Double] = [1.3719, 2.2461, 0.7183, 1.9051, 2.7349, 0.4421]
        return bases.indices.map { k in
            var env: [String: Complex] = [:]
            for (j, name) in sorted.enumerated() { env[name] = Complex(bases[(k + j * 2) % bases.count] + 0.1 * Double(j)) }
            return env
        }
    }

    private static func containsInfinity(_ e: Expr) -> Bool {
        switch e {
        case .constant(.infinity): return true
        case .neg(let a): return containsInfinity(a)
        case .add(let xs), .mul(let xs): return xs.contains(where: containsInfinity)
        default: return false
        }
    }

    private static func infinitySign(_ e: Expr) -> Int? {
        switch e {
        case .constant(.infinity): return 1
        case .neg(let a): return infinitySign(a).map { -$0 }
        default: return nil
        }
    }
}
