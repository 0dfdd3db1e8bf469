import Foundation

/// Generates text from a model one token at a time, keeping each layer's keys and values (a KV cache) so
/// a new token costs one position's work instead of the whole prefix's.
public final class Sampler<T: Scalar> {
    public let model: GPT<T>
    private var keys: [T]
    private var values: [T]
    // One position's scratch space.
    private var x: [T], ln: [T], qkv: [T], y: [T], proj: [T], fc: [T], fcGelu: [T], logits: [T]
    private var scores: [T]
    private var mean = [T](repeating: 0, count: 1), rstd = [T](repeating: 0, count: 1)

    public init(model: GPT<T>) {
        self.model = model
        let c = model.config
        keys = [T](repeating: 0, count: c.layers * c.maxSeqLen * c.channels)
        values = keys
        x = [T](repeating: 0, count: c.channels)
        ln = x; y = x; proj = x
        qkv = [T](repeating: 0, count: 3 * c.channels)
        fc = [T](repeating: 0, count: 4 * c.channels)
        fcGelu = fc
        logits = [T](repeating: 0, count: c.vocabSize)
        scores = [T](repeating: 0, count: c.maxSeqLen)
    }

    /// Feeds `token` at position `position` (all earlier positions fed before) and returns the logits for
    /// the next token.
    public func step(token: Int32, position: Int) -> [T] {
        let c = model.config, lay = model.layout
        let (C, L, NH, V) = (c.channels, c.layers, c.heads, c.vocabSize)
        let hs = C / NH
        let scale = 1 / T.sqrt(T(hs))
        let p = model.params.baseAddress!
        func at(_ name: String) -> UnsafeMutablePointer<T> { p + lay.offset(name) }
        for i in 0..<C { x[i] = at("wte")[Int(token) * C + i] + at("wpe")[position * C + i] }
        for l in 0..<L {
            LayerNorm.forward(&ln, &mean, &rstd, x, at("ln1w") + l * C, at("ln1b") + l * C, N: 1, C: C)
            Linear.forward(&qkv, ln, at("qkvw") + l * 3 * C * C, at("qkvb") + l * 3 * C, N: 1, C: C, OC: 3 * C)
            let cacheBase = (l * c.maxSeqLen + position) * C
            for i in 0..<C { keys[cacheBase + i] = qkv[C + i]; values[cacheBase + i] = qkv[2 * C + i] }
            for h in 0..<NH {
                var maxScore = -T.infinity
                for u in 0...position {
                    var dot: T = 0
                    let k = (l * c.maxSeqLen + u) * C + h * hs
                    for i in 0..<hs { dot += qkv[h * hs + i] * keys[k + i] }
                    scores[u] = dot * scale
                    maxScore = max(maxScore, scores[u])
                }
                var sum: T = 0
                for u in 0...position { scores[u] = T.exp(scores[u] - maxScore); sum += scores[u] }
                for i in 0..<hs { y[h * hs + i] = 0 }
                for u in 0...position {
                    let a = scores[u] / sum, v = (l * c.maxSeqLen + u) * C + h * hs
                    for i in 0..<hs { y[h * hs + i] += a * values[v + i] }
                }
            }
            Linear.forward(&proj, y, at("attprojw") + l * C * C, at("attprojb") + l * C, N: 1, C: C, OC: C)
            for i in 0..<C { x[i] += proj[i] }
            LayerNorm.forward(&ln, &mean, &rstd, x, at("ln2w") + l * C, at("ln2b") + l * C, N: 1, C: C)
            Linear.forward(&fc, ln, at("fcw") + l * 4 * C * C, at("fcb") + l * 4 * C, N: 1, C: C, OC: 4 * C)
            GELU.forward(&fcGelu, fc, N: 4 * C)
            Linear.forward(&proj, fcGelu, at("fcprojw") + l * C * 4 * C, at("fcprojb") + l * C, N: 1, C: 4 * C, OC: C)
            for i in 0..<C { x[i] += proj[i] }
        }
        LayerNorm.forward(&ln, &mean, &rstd, x, at("lnfw"), at("lnfb"), N: 1, C: C)
        Linear.forward(&logits, ln, at("wte"), nil, N: 1, C: C, OC: V)
        return logits
    }

    /// Continues `prompt` until EOS or `maxNewTokens` (or the context is full). Temperature 0 is greedy;
    /// otherwise sampling from softmax(logits / temperature) within the top-p nucleus.
    public func generate(prompt: [Int32], maxNewTokens: Int, temperature: Double, topP: Double = 1,
                         rng: inout SeededGenerator) -> [Int32] {
        precondition(!prompt.isEmpty)
        var logits: [T] = []
        for (t, token) in prompt.enumerated() where t < model.config.maxSeqLen { logits = step(token: token, position: t) }
        var out: [Int32] = []
        var position = prompt.count
        while out.count < maxNewTokens, position < model.config.maxSeqLen {
            let next = Sampler.choose(logits, temperature: temperature, topP: topP, rng: &rng)
            out.append(next)
            if next == CharTokenizer.eos { break }
            logits = step(token: next, position: position)
            position += 1
        }
        return out
    }

    /// Picks a token from logits: argmax at temperature 0, else a draw from the tempered top-p nucleus.
    static func choose(_ logits: [T], temperature: Double, topP: Double, rng: inout SeededGenerator) -> Int32 {
        if temperature <= 0 {
            var best = 0
            for i in 1..<logits.count where logits[i] > logits[best] { best = i }
            return Int32(best)
        }
        let top = logits.map { Double($0) }.max() ?? 0
        var probs = logits.map { Foundation.exp((Double($0) - top) / temperature) }
        let total = probs.reduce(0, +)
        probs = probs.map { $0 / total }
        let order = probs.indices.sorted { probs[$0] > probs[$1] }
        var kept: [Int] = [], mass = 0.0
        for i in order {
            kept.append(i)
            mass += probs[i]
            if mass >= topP { break }
        }
        var draw = rng.uniform() * mass
        for i in kept {
            draw -= probs[i]
            if draw <= 0 { return Int32(i) }
        }
        return Int32(kept.last ?? 0)
    }
}

/// A small seeded generator (a 64-bit LCG), so sampling is reproducible for a seed.
public struct SeededGenerator: Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed &* 0x9E3779B97F4A7C15 &+ 0x632BE59BD9B4E019 }
    /// A uniform number in [0, 1).
    public mutating func uniform() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
    }
}
