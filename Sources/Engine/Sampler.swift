import Foundation

/// Generates text from a model one token at a time, keeping each layer's keys and values (a KV cache) so
/// a new token costs one position's work instead of the whole prefix's.
public final class Sampler<T: Scalar> {
    public let model: GPT<T>
    /// Every layer's keys and values, [L, maxSeqLen, C] each, then one position's scratch space; one
    /// allocation, reached through pointers (class-held arrays would pay an exclusivity check per access).
    private let buffer: UnsafeMutableBufferPointer<T>
    private let keys, values, x, ln, qkv, y, proj, fc, fcGelu, logits, scores, mean, rstd: UnsafeMutablePointer<T>
    /// Each parameter tensor's start, looked up once.
    private let wte, wpe, ln1w, ln1b, qkvw, qkvb, attprojw, attprojb, ln2w, ln2b, fcw, fcb, fcprojw, fcprojb, lnfw, lnfb: UnsafeMutablePointer<T>

    public init(model: GPT<T>) {
        self.model = model
        let c = model.config, C = c.channels
        let sizes = [c.layers * c.maxSeqLen * C, c.layers * c.maxSeqLen * C, C, C, 3 * C, C, C, 4 * C, 4 * C, c.vocabSize, c.maxSeqLen, 1, 1]
        buffer = .allocate(capacity: sizes.reduce(0, +))
        buffer.initialize(repeating: 0)
        var starts: [UnsafeMutablePointer<T>] = [], next = buffer.baseAddress!
        for size in sizes { starts.append(next); next += size }
        (keys, values, x, ln, qkv, y, proj) = (starts[0], starts[1], starts[2], starts[3], starts[4], starts[5], starts[6])
        (fc, fcGelu, logits, scores, mean, rstd) = (starts[7], starts[8], starts[9], starts[10], starts[11], starts[12])
        let p = model.params.baseAddress!, lay = model.layout
        func at(_ name: String) -> UnsafeMutablePointer<T> { p + lay.offset(name) }
        (wte, wpe, ln1w, ln1b, qkvw, qkvb, attprojw, attprojb) = (at("wte"), at("wpe"), at("ln1w"), at("ln1b"), at("qkvw"), at("qkvb"),
                                                                  at("attprojw"), at("attprojb"))
        (ln2w, ln2b, fcw, fcb, fcprojw, fcprojb, lnfw, lnfb) = (at("ln2w"), at("ln2b"), at("fcw"), at("fcb"), at("fcprojw"), at("fcprojb"),
                                                                at("lnfw"), at("lnfb"))
    }

    deinit { buffer.deallocate() }

    /// Feeds `token` at position `position` (all earlier positions fed before) and returns the logits for
    /// the next token.
    public func step(token: Int32, position: Int) -> [T] {
        let c = model.config
        let (C, L, NH, V) = (c.channels, c.layers, c.heads, c.vocabSize)
        let hs = C / NH
        let scale = 1 / T.sqrt(T(hs))
        for i in 0..<C { x[i] = wte[Int(token) * C + i] + wpe[position * C + i] }
        for l in 0..<L {
            LayerNorm.forward(ln, mean, rstd, x, ln1w + l * C, ln1b + l * C, N: 1, C: C)
            Linear.forward(qkv, ln, qkvw + l * 3 * C * C, qkvb + l * 3 * C, N: 1, C: C, OC: 3 * C)
            let cache = l * c.maxSeqLen * C
            (keys + cache + position * C).update(from: qkv + C, count: C)
            (values + cache + position * C).update(from: qkv + 2 * C, count: C)
            for h in 0..<NH {
                let q = qkv + h * hs
                var maxScore = -T.infinity
                for u in 0...position {
                    let k = keys + cache + u * C + h * hs
                    var dot: T = 0
                    for i in 0..<hs { dot += q[i] * k[i] }
                    scores[u] = dot * scale
                    maxScore = max(maxScore, scores[u])
                }
                var sum: T = 0
                for u in 0...position { scores[u] = T.exp(scores[u] - maxScore); sum += scores[u] }
                let out = y + h * hs
                for i in 0..<hs { out[i] = 0 }
                for u in 0...position {
                    let a = scores[u] / sum, v = values + cache + u * C + h * hs
                    for i in 0..<hs { out[i] += a * v[i] }
                }
            }
            Linear.forward(proj, y, attprojw + l * C * C, attprojb + l * C, N: 1, C: C, OC: C)
            for i in 0..<C { x[i] += proj[i] }
            LayerNorm.forward(ln, mean, rstd, x, ln2w + l * C, ln2b + l * C, N: 1, C: C)
            Linear.forward(fc, ln, fcw + l * 4 * C * C, fcb + l * 4 * C, N: 1, C: C, OC: 4 * C)
            GELU.forward(fcGelu, fc, N: 4 * C)
            Linear.forward(proj, fcGelu, fcprojw + l * C * 4 * C, fcprojb + l * C, N: 1, C: 4 * C, OC: C)
            for i in 0..<C { x[i] += proj[i] }
        }
        LayerNorm.forward(ln, mean, rstd, x, lnfw, lnfb, N: 1, C: C)
        Linear.forward(logits, ln, wte, nil, N: 1, C: C, OC: V)
        return Array(UnsafeBufferPointer(start: logits, count: V))
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
