/// A character-level tokenizer over a fixed alphabet, with BOS, EOS and PAD.
///
/// Token 0 is PAD, 1 BOS, 2 EOS; the alphabet's characters follow in order. Text outside the alphabet
/// cannot be encoded (nil), so a task generator and the model always agree on what a token means.
public struct CharTokenizer: Codable, Equatable, Sendable {
    public static let pad: Int32 = 0, bos: Int32 = 1, eos: Int32 = 2
    public let alphabet: [Character]
    private let index: [Character: Int32]

    public init(alphabet: String) {
        var seen: [Character] = []
        for c in alphabet where !seen.contains(c) { seen.append(c) }
        self.alphabet = seen
        index = Dictionary(uniqueKeysWithValues: seen.enumerated().map { ($0.element, Int32($0.offset) + 3) })
    }

    public var vocabSize: Int { alphabet.count + 3 }

    /// The tokens of `text`, without BOS/EOS; nil when a character is not in the alphabet.
    public func encode(_ text: String) -> [Int32]? {
        var out: [Int32] = []
        out.reserveCapacity(text.count)
        for c in text {
            guard let t = index[c] else { return nil }
            out.append(t)
        }
        return out
    }

    /// The text of `tokens`, stopping at EOS and skipping PAD and BOS.
    public func decode(_ tokens: [Int32]) -> String {
        var out = ""
        for t in tokens {
            if t == CharTokenizer.eos { break }
            if t >= 3, Int(t - 3) < alphabet.count { out.append(alphabet[Int(t - 3)]) }
        }
        return out
    }

    enum CodingKeys: String, CodingKey { case alphabet }

    public init(from decoder: Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(alphabet: try c.decode(String.self, forKey: .alphabet))
    }

    public func encode(to encoder: Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(String(alphabet), forKey: .alphabet)
    }
}
