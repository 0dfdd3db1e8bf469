/// Generated math problems with worked solutions that end in `\boxed{answer}`, in families of graded
/// difficulty, for the built-in policy. Solutions spell the work out column by column, least significant
/// digit first, with carries and borrows written, so a small model can learn the skill.
public enum TaskFamily: String, CaseIterable, Sendable {
    /// Two- and three-digit addition.
    case add
    /// Subtraction with borrows (never negative).
    case sub
    /// Multi-digit times one digit.
    case mul
    /// `a + b * c` and `a * b - c` with small numbers.
    case expr
    /// `ax + b = c` with an integer solution.
    case lineq
    /// Sums of two unit-ish fractions, reduced.
    case frac
    /// Three two-digit addends: held out from training, to measure cross-domain generalisation.
    case add3

    /// The families used for training (all but the held-out one).
    public static let training: [TaskFamily] = [.add, .sub, .mul, .expr, .lineq, .frac]
    public var isHeldOut: Bool { self == .add3 }
}

/// One generated problem.
public struct SynthTask: Equatable, Sendable {
    public let family: TaskFamily
    public let problem: String
    public let solution: String
    public let answer: String
}

/// Generates tasks reproducibly from a seed.
public struct TaskGenerator {
    /// Every character a task can contain (the built-in tokenizer's alphabet).
    public static let alphabet = "0123456789+-*/=;:,. ()xabcdefghijklmnopqrstuvwyzCDST\\{}?"

    private var rng: SeededGenerator

    public init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    private mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(rng.uniform() * Double(range.count))
    }

    public mutating func tasks(_ family: TaskFamily, count: Int) -> [SynthTask] {
        (0..<count).map { _ in task(family) }
    }

    public mutating func task(_ family: TaskFamily) -> SynthTask {
        switch family {
        case .add:
            let a = int(10...999), b = int(10...999)
            return make(family, "Compute \(a)+\(b).", TaskGenerator.columnAddition([a, b]), a + b)
        case .add3:
            let a = int(10...99), b = int(10...99), c = int(10...99)
            return make(family, "Compute \(a)+\(b)+\(c).", TaskGenerator.columnAddition([a, b, c]), a + b + c)
        case .sub:
            var a = int(10...999), b = int(10...999)
            if b > a { swap(&a, &b) }
            return make(family, "Compute \(a)-\(b).", TaskGenerator.columnSubtraction(a, b), a - b)
        case .mul:
            let a = int(10...999), d = int(2...9)
            return make(family, "Compute \(a)*\(d).", TaskGenerator.columnMultiplication(a, d), a * d)
        case .expr:
            let a = int(1...20), b = int(2...9), c = int(2...9)
            if int(0...1) == 0 {
                return make(family, "Compute \(a)+\(b)*\(c).", "\(b)*\(c)=\(b * c); \(a)+\(b * c)=\(a + b * c);", a + b * c)
            }
            let product = a * b, c2 = int(1...product)
            return make(family, "Compute \(a)*\(b)-\(c2).", "\(a)*\(b)=\(product); \(product)-\(c2)=\(product - c2);", product - c2)
        case .lineq:
            let a = int(2...9), x = int(1...12), b = int(1...30), c = a * x + b
            return make(family, "Solve \(a)x+\(b)=\(c).", "\(a)x=\(c)-\(b)=\(c - b); x=\(c - b)/\(a)=\(x);", x)
        case .frac:
            let d1 = int(2...9), d2 = int(2...9), n1 = int(1...(d1 - 1)), n2 = int(1...(d2 - 1))
            let den = d1 * d2 / TaskGenerator.gcd(d1, d2)
            let m1 = n1 * (den / d1), m2 = n2 * (den / d2), sum = m1 + m2, g = TaskGenerator.gcd(sum, den)
            let answer = den / g == 1 ? "\(sum / g)" : "\(sum / g)/\(den / g)"
            let work = "common denominator \(den): \(m1)/\(den)+\(m2)/\(den)=\(sum)/\(den)" + (g > 1 ? "=\(answer);" : ";")
            return SynthTask(family: family, problem: "Compute \(n1)/\(d1)+\(n2)/\(d2).", solution: work + " \\boxed{\(answer)}", answer: answer)
        }
    }

    private func make(_ family: TaskFamily, _ problem: String, _ work: String, _ answer: Int) -> SynthTask {
        SynthTask(family: family, problem: problem, solution: work + " \\boxed{\(answer)}", answer: String(answer))
    }

    /// `7+5=12 c1; 4+8+1=13 c1; 1;`: each column from the right, its sum and the carry.
    static func columnAddition(_ numbers: [Int]) -> String {
        let digits = numbers.map { String($0).reversed().map { Int(String($0))! } }
        let width = digits.map(\.count).max()!
        var steps: [String] = [], carry = 0
        for col in 0..<width {
            let terms = digits.compactMap { col < $0.count ? $0[col] : nil } + (carry > 0 ? [carry] : [])
            let s = terms.reduce(0, +)
            carry = s / 10
            steps.append("\(terms.map(String.init).joined(separator: "+"))=\(s)" + (carry > 0 ? " c\(carry)" : ""))
        }
        if carry > 0 { steps.append("\(carry)") }
        return steps.joined(separator: "; ") + ";"
    }

    /// `7-5=2; 14-8=6 b1; 3-1-1=1;`: each column from the right, borrowing when needed.
    static func columnSubtraction(_ a: Int, _ b: Int) -> String {
        let x = String(a).reversed().map { Int(String($0))! }, y = String(b).reversed().map { Int(String($0))! }
        var steps: [String] = [], borrow = 0
        for col in 0..<x.count {
            let bottom = col < y.count ? y[col] : 0
            let needsBorrow = x[col] - borrow < bottom
            let top = needsBorrow ? x[col] + 10 : x[col]
            let lhs = borrow > 0 ? "\(top)-\(borrow)" : "\(top)"
            steps.append("\(lhs)-\(bottom)=\(top - borrow - bottom)" + (needsBorrow ? " b1" : ""))
            borrow = needsBorrow ? 1 : 0
        }
        return steps.joined(separator: "; ") + ";"
    }

    /// `7*6=42 c4; 4*6+4=28 c2; 2;`: each digit times the multiplier plus the carry.
    static func columnMultiplication(_ a: Int, _ d: Int) -> String {
        var steps: [String] = [], carry = 0
        for digit in String(a).reversed().map({ Int(String($0))! }) {
            let v = digit * d + carry
            steps.append("\(digit)*\(d)" + (carry > 0 ? "+\(carry)" : "") + "=\(v)" + (v / 10 > 0 ? " c\(v / 10)" : ""))
            carry = v / 10
        }
        if carry > 0 { steps.append("\(carry)") }
        return steps.joined(separator: "; ") + ";"
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
