import Foundation

/// A parsed math answer.
public indirect enum Expr: Equatable, Sendable {
    case number(Rational)
    /// A decimal literal as written (its exact value, and that it was written with a point).
    case decimal(Rational)
    case symbol(String)
    case constant(Constant)
    case add([Expr])
    case mul([Expr])
    case pow(Expr, Expr)
    case neg(Expr)
    case function(String, [Expr])
    case percent(Expr)
    /// Ordered: tuples, points.
    case tuple([Expr])
    /// Unordered: sets, bare answer lists, ± pairs.
    case set([Expr])
    case interval(leftClosed: Bool, Expr, Expr, rightClosed: Bool)
    case union([Expr])
    case matrix([[Expr]])
    case relation(Relation, Expr, Expr)
    case text(String)

    public enum Constant: String, Sendable { case pi, e, i, infinity }
    public enum Relation: String, Sendable { case eq = "=", lt = "<", le = "<=", gt = ">", ge = ">=", ne = "!=", approx = "≈" }

    static func div(_ a: Expr, _ b: Expr) -> Expr { .mul([a, .pow(b, .number(Rational(-1)))]) }
    static func sub(_ a: Expr, _ b: Expr) -> Expr { .add([a, .neg(b)]) }
}

/// An exact rational with 64-bit parts; operations return nil on overflow (callers fall back to Double). Int64.min
/// counts as an overflow: its negation, and a division by it, would not fit.
public struct Rational: Hashable, Sendable, CustomStringConvertible {
    public let num: Int64
    public let den: Int64

    public init(_ n: Int64, _ d: Int64 = 1) {
        precondition(d != 0)
        let g = Rational.gcd(n.magnitude, d.magnitude)
        let sign: Int64 = d < 0 ? -1 : 1
        num = sign * n / Int64(g)
        den = sign * d / Int64(g)
    }

    static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 { b == 0 ? max(a, 1) : gcd(b, a % b) }

    public var double: Double { Double(num) / Double(den) }
    public var isInteger: Bool { den == 1 }
    public var description: String { den == 1 ? "\(num)" : "\(num)/\(den)" }

    /// Parses "12", "-3.250", "1.5e-3" exactly (nil when it does not fit).
    public static func parse(_ text: String) -> Rational? {
        var s = Substring(text)
        var negative = false
        if s.hasPrefix("-") { negative = true; s = s.dropFirst() } else if s.hasPrefix("+") { s = s.dropFirst() }
        var exponent = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let x = Int(s[s.index(after: e)...]), abs(x) < 30 else { return nil }
            exponent = x
            s = s[..<e]
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !s.isEmpty, s != "." else { return nil }
        let whole = parts[0], fraction = parts.count == 2 ? parts[1] : ""
        guard (whole + fraction).allSatisfy(\.isASCII), (whole + fraction).allSatisfy(\.isNumber) else { return nil }
        let digits = String(whole + fraction).drop { $0 == "0" }
        guard digits.count <= 18 else { return nil }
        var value = Rational(Int64(digits.isEmpty ? "0" : String(digits))!, 1)
        var scale = exponent - fraction.count
        while scale > 0 { guard let v = value * Rational(10) else { return nil }; value = v; scale -= 1 }
        while scale < 0 { guard let v = value / Rational(10) else { return nil }; value = v; scale += 1 }
        return negative ? -value : value
    }

    public static prefix func - (a: Rational) -> Rational { Rational(-a.num, a.den) }

    public static func + (a: Rational, b: Rational) -> Rational? {
        let (x, o1) = a.num.multipliedReportingOverflow(by: b.den)
        let (y, o2) = b.num.multipliedReportingOverflow(by: a.den)
        let (d, o3) = a.den.multipliedReportingOverflow(by: b.den)
        let (n, o4) = x.addingReportingOverflow(y)
        return fitting(n, d, overflowed: o1 || o2 || o3 || o4)
    }

    public static func * (a: Rational, b: Rational) -> Rational? {
        let g1 = Int64(gcd(a.num.magnitude, b.den.magnitude)), g2 = Int64(gcd(b.num.magnitude, a.den.magnitude))
        let (n, o1) = (a.num / g1).multipliedReportingOverflow(by: b.num / g2)
        let (d, o2) = (a.den / g2).multipliedReportingOverflow(by: b.den / g1)
        return fitting(n, d, overflowed: o1 || o2)
    }

    /// n/d, or nil when computing it overflowed or either part is Int64.min (see the type's note).
    private static func fitting(_ n: Int64, _ d: Int64, overflowed: Bool) -> Rational? {
        overflowed || n == .min || d == .min ? nil : Rational(n, d)
    }

    public static func / (a: Rational, b: Rational) -> Rational? {
        b.num == 0 ? nil : a * Rational(b.den, b.num)
    }

    /// a^k for an integer k with |k| <= 64.
    func power(_ k: Int64) -> Rational? {
        guard abs(k) <= 64 else { return nil }
        if k < 0 { return num == 0 ? nil : Rational(den, num).power(-k) }
        var result = Rational(1)
        for _ in 0..<k { guard let r = result * self else { return nil }; result = r }
        return result
    }

    /// The exact n-th root when it is rational; of a negative number, the real root for an odd n (nil for an even one).
    func root(_ n: Int64) -> Rational? {
        guard n >= 1, n <= 64 else { return nil }
        if num < 0 {
            guard n % 2 == 1, let r = (-self).root(n) else { return nil }
            return -r
        }
        guard let a = Rational.integerRoot(num, n), let b = Rational.integerRoot(den, n) else { return nil }
        return Rational(a, b)
    }

    private static func integerRoot(_ x: Int64, _ n: Int64) -> Int64? {
        let guess = Int64((pow(Double(x), 1 / Double(n))).rounded())
        for c in [guess - 1, guess, guess + 1] where c >= 0 {
            var p: Int64 = 1
            var overflow = false
            for _ in 0..<n {
                let (v, o) = p.multipliedReportingOverflow(by: c)
                if o { overflow = true; break }
                p = v
            }
            if !overflow && p == x { return c }
        }
        return nil
    }
}
