/// A verdict: whether the response's final answer equals the gold, and what was extracted.
public struct Verdict: Equatable, Sendable {
    public let correct: Bool
    /// The extracted answer, nil when the response has none.
    public let extracted: String?
}

/// The 0/1 reward: does a model response's final answer equal the gold answer?
///
/// `requireBox` gives 0 to a response without `\boxed{}` (the paper's training reward); evaluation is
/// lenient by default and also reads "the answer is X", Minerva's final-answer line and `#### N`.
public struct Grader: Sendable {
    public var requireBox: Bool

    public init(requireBox: Bool = false) {
        self.requireBox = requireBox
    }

    public func grade(gold: String, response: String) -> Verdict {
        guard let extraction = AnswerExtractor.extract(response, requireBox: requireBox) else {
            return Verdict(correct: false, extracted: nil)
        }
        if Grader.equivalent(gold: gold, answer: extraction.answer) { return Verdict(correct: true, extracted: extraction.answer) }
        // Several trailing boxes may answer a multi-part gold together (a lone last box is tried first).
        if let merged = extraction.mergedBoxes, Grader.parts(gold) > 1, Grader.equivalent(gold: gold, answer: merged) {
            return Verdict(correct: true, extracted: merged)
        }
        return Verdict(correct: false, extracted: extraction.answer)
    }

    /// Whether an answer (already extracted) equals the gold answer.
    public static func equivalent(gold: String, answer: String) -> Bool {
        // Past the parser's limit there is nothing to parse: compare as text, without normalising
        // (this keeps a 100 KB answer to microseconds).
        if gold.utf8.count > MathParser.maxLength || answer.utf8.count > MathParser.maxLength {
            return squeezed(unboxed(gold)) == squeezed(answer)
        }
        let g = AnswerNormalizer.normalize(unboxed(gold)), a = AnswerNormalizer.normalize(answer)
        guard !a.isEmpty else { return false }
        if let ge = MathParser.parse(g), let ae = MathParser.parse(a) { return Equivalence.equal(ge, ae) }
        return squeezed(g) == squeezed(a)
    }

    /// The gold without a `\boxed{}` wrapper, if it has one.
    private static func unboxed(_ gold: String) -> String {
        let start = gold.utf8.firstIndex { $0 != 0x20 } ?? gold.utf8.endIndex
        if gold.utf8[start...].starts(with: "\\boxed".utf8), let inner = BoxedAnswer.last(in: gold) { return inner }
        return gold
    }

    /// How many top-level parts a gold answer lists.
    static func parts(_ gold: String) -> Int {
        guard let e = MathParser.parse(AnswerNormalizer.normalize(unboxed(gold))) else { return 1 }
        if case .set(let xs) = e { return xs.count }
        if case .tuple(let xs) = e { return xs.count }
        return 1
    }

    /// ASCII-lowercased, white space removed (bytes, so long texts stay cheap).
    private static func squeezed(_ s: String) -> [UInt8] {
        s.utf8.compactMap { c in c == 0x20 || (c >= 0x09 && c <= 0x0D) ? nil : (c >= 65 && c <= 90 ? c | 0x20 : c) }
    }
}
