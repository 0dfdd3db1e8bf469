
/// What a response answers, and how it was found.
public struct Extraction: Equatable, Sendable {
    /// The final answer: the last box, or what a fallback found.
    public let answer: String
    /// The trailing boxes joined by ", " when the response ends with several adjacent ones (for a
    /// multi-part gold); nil otherwise.
    public let mergedBoxes: String?
    public let method: String
}

/// Finds the final answer in a model response.
///
/// In order: the last `\boxed{…}` / `\fbox{…}` (or `\boxed N`), after `</think>` when there is a think
/// block; then, unless a box is required, Minerva's "The final answer is $X$", "the answer is X" /
/// "Answer: X" bounded to its math span or its sentence, and GSM8K's `#### N`. No anchor, no answer: a
/// last number in the text is not taken for one.
public enum AnswerExtractor {
    public static func extract(_ response: String, requireBox: Bool = false) -> Extraction? {
        var text = response
        let bytes = Array(text.utf8)
        if let think = lastIndex(of: "</think>", in: bytes) {
            text = String(decoding: bytes[(think + 8)...], as: UTF8.self)
        }
        let utf8 = Array(text.utf8)
        let boxes = BoxedAnswer.spans(in: utf8)
        if let last = boxes.last {
            return Extraction(answer: String(decoding: utf8[last.content], as: UTF8.self),
                              mergedBoxes: mergedTrailingBoxes(boxes, in: utf8), method: "boxed")
        }
        if requireBox { return nil }
        let lower = Array(text.utf8).map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        if let x = minerva(text, lower) { return Extraction(answer: x, mergedBoxes: nil, method: "final-answer") }
        if let x = answerIs(text, lower) { return Extraction(answer: x, mergedBoxes: nil, method: "answer-is") }
        if let x = HashAnswer.last(in: text) { return Extraction(answer: x, mergedBoxes: nil, method: "gsm8k") }
        return nil
    }

    /// The start of the last occurrence of `pattern` (ASCII) in `bytes`.
    static func lastIndex(of pattern: String, in bytes: [UInt8]) -> Int? {
        let p = Array(pattern.utf8)
        guard bytes.count >= p.count, let first = p.first else { return nil }
        var i = bytes.count - p.count
        while i >= 0 {
            if bytes[i] == first && bytes[i..<(i + p.count)].elementsEqual(p) { return i }
            i -= 1
        }
        return nil
    }

    /// The last run of boxes separated only by commas, "and", semicolons, `$` and spaces.
    private static func mergedTrailingBoxes(_ boxes: [BoxedAnswer.Span], in utf8: [UInt8]) -> String? {
        guard boxes.count >= 2 else { return nil }
        var run = [boxes[boxes.count - 1]]
        // Answers have a handful of parts; sixteen boxes is already more than any gold lists.
        for k in stride(from: boxes.count - 2, through: max(0, boxes.count - 16), by: -1) {
            var gap = Array(utf8[boxes[k].end..<run[0].start])
            AnswerNormalizer.replace(&gap, "and", "")
            AnswerNormalizer.replace(&gap, "or", "")
            guard gap.count <= 12, gap.allSatisfy({ " ,;$\\\n".utf8.contains($0) }) else { break }
            run.insert(boxes[k], at: 0)
        }
        return run.count >= 2 ? run.map { String(decoding: utf8[$0.content], as: UTF8.self) }.joined(separator: ", ") : nil
    }

    private static func minerva(_ text: String, _ lower: [UInt8]) -> String? {
        guard let i = lastIndex(of: "final answer is", in: lower) else { return nil }
        return span(after: i + 15, in: Array(text.utf8))
    }

    private static func answerIs(_ text: String, _ lower: [UInt8]) -> String? {
        var best: (start: Int, end: Int)?
        for p in ["the answer is", "answer is", "answer:", "answer :"] {
            if let i = lastIndex(of: p, in: lower), best.map({ i > $0.start }) ?? true { best = (i, i + p.utf8.count) }
        }
        guard let best else { return nil }
        return span(after: best.end, in: Array(text.utf8))
    }

    /// The answer that follows an anchor: a `$…$` / `\(…\)` span, a `**…**` span, else the rest of the
    /// sentence.
    private static func span(after start: Int, in bytes: [UInt8]) -> String? {
        var rest = bytes[start...].drop { $0 == 0x20 || $0 == UInt8(ascii: ":") || $0 == 0x0A }
        func upTo(_ closer: String, skipping opener: Int) -> String? {
            let body = Array(rest.dropFirst(opener))
            guard let end = firstIndex(of: closer, in: body) else { return nil }
            return clean(body[..<end])
        }
        for wrapper in ["**", "*"] where rest.starts(with: wrapper.utf8) {
            if let x = upTo(wrapper, skipping: wrapper.utf8.count) { return x }
        }
        rest = rest.drop { $0 == 0x20 || $0 == UInt8(ascii: ":") }
        if rest.starts(with: "$$".utf8), let x = upTo("$$", skipping: 2) { return x }
        if rest.starts(with: "$".utf8), let x = upTo("$", skipping: 1) { return x }
        if rest.starts(with: "\\(".utf8), let x = upTo("\\)", skipping: 2) { return x }
        if rest.starts(with: "\\[".utf8), let x = upTo("\\]", skipping: 2) { return x }
        // The rest of the sentence: up to ". " / a newline / the end.
        let body = Array(rest)
        var end = body.firstIndex(of: 0x0A) ?? body.count
        if let stop = firstIndex(of: ". ", in: Array(body[..<end])) { end = stop }
        let sentence = clean(body[..<end])
        return sentence.isEmpty ? nil : sentence
    }

    private static func firstIndex(of pattern: String, in bytes: [UInt8]) -> Int? {
        let p = Array(pattern.utf8)
        guard bytes.count >= p.count else { return nil }
        for i in 0...(bytes.count - p.count) where bytes[i] == p[0] && bytes[i..<(i + p.count)].elementsEqual(p) { return i }
        return nil
    }

    private static func clean(_ s: ArraySlice<UInt8>) -> String {
        var t = s
        while let c = t.last, c == 0x20 || c == 0x0A || c == UInt8(ascii: ".") || c == UInt8(ascii: "!") { t = t.dropLast() }
        while let c = t.first, c == 0x20 || c == 0x0A { t = t.dropFirst() }
        return String(decoding: t, as: UTF8.self)
    }
}
