import Foundation

/// A complex number in doubles, for evaluating expressions at sample points.
struct Complex: Equatable {
    var re: Double
    var im: Double

    init(_ re: Double, _ im: Double = 0) {
        self.re = re
        self.im = im
    }

    static func + (a: Complex, b: Complex) -> Complex { Complex(a.re + b.re, a.im + b.im) }
    static func - (a: Complex, b: Complex) -> Complex { Complex(a.re - b.re, a.im - b.im) }
    static prefix func - (a: Complex) -> Complex { Complex(-a.re, -a.im) }
    static func * (a: Complex, b: Complex) -> Complex { Complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re) }
    static func / (a: Complex, b: Complex) -> Complex {
        let d = b.re * b.re + b.im * b.im
        return Complex((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d)
    }

    var magnitude: Double { hypot(re, im) }
    var isFinite: Bool { re.isFinite && im.isFinite }
    var isReal: Bool { abs(im) <= 1e-12 * max(1, abs(re)) }

    func log() -> Complex { Complex(Foundation.log(magnitude), atan2(im, re)) }
    func exp() -> Complex { let m = Foundation.exp(re); return Complex(m * cos(im), m * sin(im)) }

    func power(_ e: Complex) -> Complex {
        if e.im == 0, e.re == e.re.rounded(), abs(e.re) <= 64 {
            var result = Complex(1), base = self, k = Int(abs(e.re))
            while k > 0 {
                if k & 1 == 1 { result = result * base }
                base = base * base
                k >>= 1
            }
            return e.re < 0 ? Complex(1) / result : result
        }
        if re == 0 && im == 0 { return e.re > 0 ? Complex(0) : Complex(.nan) }
        // Real roots of negative reals with odd denominators stay real (cube root of -8 is -2).
        if isReal, re < 0, e.im == 0 {
            let inverse = 1 / e.re
            // The parity in Double: 1/e.re may be far beyond Int's range (10^{-20} as an exponent), where Int() traps.
            if inverse.isFinite, inverse == inverse.rounded(), abs(inverse.truncatingRemainder(dividingBy: 2)) == 1 {
                return Complex(-Foundation.pow(-re, e.re))
            }
        }
        return (log() * e).exp()
    }
}

enum Evaluation {
    /// The exact rational value of `e`, when it has one that 64-bit arithmetic can hold.
    static func exact(_ e: Expr) -> Rational? {
        switch e {
        case .number(let r), .decimal(let r): return r
        case .neg(let a): return exact(a).map { -$0 }
        case .add(let terms):
            var sum = Rational(0)
            for t in terms { guard let v = exact(t), let s = sum + v else { return nil }; sum = s }
            return sum
        case .mul(let factors):
            var product = Rational(1)
            for f in factors { guard let v = exact(f), let p = product * v else { return nil }; product = p }
            return product
        case .pow(let base, let exponent):
            guard let b = exact(base), let x = exact(exponent) else { return nil }
            if x.isInteger { return b.power(x.num) }
            guard let p = b.power(x.num) else { return nil }
            return p.root(x.den)
        case .function("root", let args) where args.count == 2:
            guard let x = exact(args[0]), let n = exact(args[1]), n.isInteger else { return nil }
            return x.root(n.num)
        case .function("abs", let args) where args.count == 1:
            return exact(args[0]).map { $0.num < 0 ? -$0 : $0 }
        case .function("factorial", let args) where args.count == 1:
            guard let n = exact(args[0]), n.isInteger, n.num >= 0, n.num <= 20 else { return nil }
            return Rational((1...max(1, n.num)).reduce(1, *))
        case .function("binom", let args) where args.count == 2:
            guard let n = exact(args[0]), let k = exact(args[1]), n.isInteger, k.isInteger, k.num >= 0, n.num >= k.num, n.num <= 60 else { return nil }
            var r = Rational(1)
            for j in 0..<k.num { guard let v = r * Rational(n.num - j, j + 1) else { return nil }; r = v }
            return r
        default: return nil
        }
    }

    /// The value of `e` with its symbols set from `env`; nil when it has no finite value there.
    static func numeric(_ e: Expr, _ env: [String: Complex]) -> Complex? {
        switch e {
        case .number(let r), .decimal(let r): return Complex(r.double)
        case .symbol(let s): return env[s]
        case .constant(.pi): return Complex(Double.pi)
        case .constant(.e): return Complex(M_E)
        case .constant(.i): return Complex(0, 1)
        case .constant(.infinity): return nil
        case .neg(let a): return numeric(a, env).map { -$0 }
        case .add(let terms):
            var sum = Complex(0)
            for t in terms { guard let v = numeric(t, env) else { return nil }; sum = sum + v }
            return sum
        case .mul(let factors):
            var product = Complex(1)
            for f in factors { guard let v = numeric(f, env) else { return nil }; product = product * v }
            return product.isFinite ? product : nil
        case .pow(let base, let exponent):
            guard let b = numeric(base, env), let x = numeric(exponent, env), x.magnitude < 1e4 else { return nil }
            let v = b.power(x)
            return v.isFinite ? v : nil
        case .percent(let a): return numeric(a, env).map { $0 / Complex(100) }
        case .function(let name, let args):
            let values = args.compactMap { numeric($0, env) }
            guard values.count == args.count else { return nil }
            return function(name, values)
        default: return nil
        }
    }

    private static func function(_ name: String, _ v: [Complex]) -> Complex? {
        guard let x = v.first else { return nil }
        let real = x.isReal ? x.re : nil
        let result: Complex?
        switch name {
        case "sin": result = real.map { Complex(sin($0)) }
        case "cos": result = real.map { Complex(cos($0)) }
        case "tan": result = real.map { Complex(tan($0)) }
        case "cot": result = real.map { Complex(1 / tan($0)) }
        case "sec": result = real.map { Complex(1 / cos($0)) }
        case "csc": result = real.map { Complex(1 / sin($0)) }
        case "arcsin": result = real.flatMap { abs($0) <= 1 ? Complex(asin($0)) : nil }
        case "arccos": result = real.flatMap { abs($0) <= 1 ? Complex(acos($0)) : nil }
        case "arctan": result = real.map { Complex(atan($0)) }
        case "sinh": result = real.map { Complex(sinh($0)) }
        case "cosh": result = real.map { Complex(cosh($0)) }
        case "tanh": result = real.map { Complex(tanh($0)) }
        case "exp": result = x.exp()
        case "ln": result = x.log()
        case "log":
            result = v.count == 2 ? x.log() / v[1].log() : x.log()
        case "abs": result = Complex(x.magnitude)
        case "root":
            guard v.count == 2, v[1].isReal, v[1].re != 0 else { return nil }
            result = x.power(Complex(1 / v[1].re))
        case "factorial":
            guard let n = real, n >= 0, n == n.rounded(), n <= 170 else { return nil }
            result = Complex(tgamma(n + 1))
        case "binom":
            guard v.count == 2, let n = real, v[1].isReal else { return nil }
            let k = v[1].re
            result = Complex(tgamma(n + 1) / (tgamma(k + 1) * tgamma(n - k + 1)))
        case "float":
            return nil
        default: result = nil
        }
        guard let r = result, r.isFinite else { return nil }
        return r
    }

    /// The symbols `e` uses.
    static func symbols(_ e: Expr) -> Set<String> {
        switch e {
        case .symbol(let s): return [s]
        case .neg(let a), .percent(let a): return symbols(a)
        case .pow(let a, let b), .relation(_, let a, let b), .interval(_, let a, let b, _): return symbols(a).union(symbols(b))
        case .add(let xs), .mul(let xs), .function(_, let xs), .tuple(let xs), .set(let xs), .union(let xs):
            return xs.reduce(into: Set<String>()) { $0.formUnion(symbols($1)) }
        case .matrix(let rows): return rows.joined().reduce(into: Set<String>()) { $0.formUnion(symbols($1)) }
        default: return []
        }
    }

    /// Whether `e` was written with a decimal point somewhere.
    static func hasDecimal(_ e: Expr) -> Bool {
        switch e {
        case .decimal: return true
        case .neg(let a), .percent(let a): return hasDecimal(a)
        case .pow(let a, let b): return hasDecimal(a) || hasDecimal(b)
        case .add(let xs), .mul(let xs), .function(_, let xs): return xs.contains(where: hasDecimal)
        default: return false
        }
    }
}
