import CBLAS
import Foundation

/// Generates continuations of many prompts at once: every unfinished row advances one token per step, so
/// each layer's matrix product covers all of them (one BLAS call for M rows instead of M calls for one).
/// Each row keeps its own KV cache and position. The prompts go in first, all their tokens but the last in
/// steps of up to ``prefillRows`` tokens (a row's tokens see each other through the cache, causally), then
/// every row advances from its own position, so prompts of different lengths mix freely.
///
/// Float, not generic, like ``Pretraining/train(_:config:tokenizer:progress:)``: the hot loop is
/// specialised inside this module whatever module calls it.
public final class BatchSampler {
    public let model: GPT<Float>
    /// The most rows one call can take.
    public let capacity: Int
    /// The most tokens one step feeds: ``capacity`` rows while decoding, more while prefilling prompts, where
    /// one larger matrix product is cheaper than several.
    let stepRows: Int
    static let prefillRows = 256
    private let buffer: UnsafeMutableBufferPointer<Float>
    /// keys/values: [capacity, L, NH, maxSeqLen, head size], each head's history contiguous; the rest: one
    /// step's activations, up to ``stepRows`` tokens.
    private let keys, values, x, ln, qkv, y, fc, logits, scores, mean, rstd: UnsafeMutablePointer<Float>

    public init(model: GPT<Float>, capacity: Int) {
        precondition(capacity > 0)
        self.model = model
        self.capacity = capacity
        stepRows = max(capacity, BatchSampler.prefillRows)
        let c = model.config, C = c.channels, M = stepRows
        let cache = capacity * c.layers * c.maxSeqLen * C
        let sizes = [cache, cache, M * C, M * C, M * 3 * C, M * C, M * 4 * C, M * c.vocabSize, c.maxSeqLen, M, M]
        buffer = HugePages.allocate(count: sizes.reduce(0, +))
        buffer.initialize(repeating: 0)
        var starts: [UnsafeMutablePointer<Float>] = [], next = buffer.baseAddress!
        for size in sizes { starts.append(next); next += size }
        (keys, values, x, ln, qkv, y) = (starts[0], starts[1], starts[2], starts[3], starts[4], starts[5])
        (fc, logits, scores, mean, rstd) = (starts[6], starts[7], starts[8], starts[9], starts[10])
    }

    deinit { HugePages.deallocate(buffer) }

    /// Continues each prompt until `stop` (EOS by default; nil: never), `maxNewTokens` new tokens, or the end
    /// of the context. Temperature 0
    /// is greedy; otherwise each token is drawn from softmax(logits / temperature) within the top-p nucleus.
    /// Returns the new tokens of each row (EOS included when produced). More prompts than ``capacity`` run
    /// in consecutive chunks. Deterministic for the rng's seed.
    public func generate(prompts: [[Int32]], maxNewTokens: Int, temperature: Double, topP: Double = 1,
                         stop: Int32? = CharTokenizer.eos, rng: inout SeededGenerator) -> [[Int32]] {
        model.withPackedWeights {
            stride(from: 0, to: prompts.count, by: capacity).flatMap { start in
                generateChunk(Array(prompts[start..<min(prompts.count, start + capacity)]), maxNewTokens: maxNewTokens,
                              temperature: temperature, topP: topP, stop: stop, rng: &rng)
            }
        }
    }

    private func generateChunk(_ prompts: [[Int32]], maxNewTokens: Int, temperature: Double, topP: Double, stop: Int32?,
                               rng: inout SeededGenerator) -> [[Int32]] {
        precondition(prompts.allSatisfy { !$0.isEmpty && $0.count <= model.config.maxSeqLen }, "prompts must be non-empty and fit the context")
        let rows = prompts.count
        // Rows with the same prompt (a GRPO group) share its prefill: only the first of them (the leader) feeds
        // the prompt; when it is done the others copy its KV cache and draw their first token from its logits.
        var leaderOf: [[Int32]: Int] = [:], followers = [[Int]](repeating: [], count: rows)
        for r in 0..<rows {
            if let leader = leaderOf[prompts[r]] { followers[leader].append(r) } else { leaderOf[prompts[r]] = r }
        }
        var active = (0..<rows).filter { leaderOf[prompts[$0]] == $0 }
        let prefill = active.flatMap { r in prompts[r].dropLast().enumerated().map { (row: r, token: $0.element, position: $0.offset) } }
        for start in stride(from: 0, to: prefill.count, by: stepRows) {
            let part = prefill[start..<min(prefill.count, start + stepRows)]
            step(rows: part.map(\.row), tokens: part.map(\.token), positions: part.map(\.position))
        }
        var position = prompts.map { $0.count - 1 }
        var feed = prompts.map { $0.last! }
        var outputs = [[Int32]](repeating: [], count: rows)
        var tokens: [Int32] = [], positions: [Int] = []
        let V = model.config.vocabSize, S = model.config.maxSeqLen
        while !active.isEmpty {
            tokens.removeAll(keepingCapacity: true)
            positions.removeAll(keepingCapacity: true)
            for r in active { tokens.append(feed[r]); positions.append(position[r]) }
            step(rows: active, tokens: tokens, positions: positions)
            var stillActive: [Int] = []
            for (j, r) in active.enumerated() {
                let next = position[r] + 1
                position[r] = next
                let group = outputs[r].isEmpty ? [r] + followers[r] : [r]
                for member in group {
                    if member != r { copyCache(from: r, to: member, positions: next); position[member] = next }
                    guard next < S else { continue }   // the whole sequence must fit the context
                    let token = BatchSampler.choose(logits + j * V, V: V, temperature: temperature, topP: topP, rng: &rng)
                    outputs[member].append(token)
                    feed[member] = token
                    if token != stop && outputs[member].count < maxNewTokens && next + 1 < S { stillActive.append(member) }
                }
            }
            active = stillActive
        }
        return outputs
    }

    /// Copies the first `positions` keys and values of row `source`'s cache, every layer and head, to `target`.
    private func copyCache(from source: Int, to target: Int, positions: Int) {
        let c = model.config, hs = c.channels / c.heads, perHead = c.maxSeqLen * hs
        for lh in 0..<(c.layers * c.heads) {
            let from = (source * c.layers * c.heads + lh) * perHead, to = (target * c.layers * c.heads + lh) * perHead
            (keys + to).update(from: keys + from, count: positions * hs)
            (values + to).update(from: values + from, count: positions * hs)
        }
    }

    /// Feeds one token per entry of the lists: row `rows[j]` gets `tokens[j]` at `positions[j]`, every earlier
    /// position of that row fed before or earlier in these lists (a row may appear several times, in position
    /// order). Leaves the next-token logits of entry j in `logits[j]`.
    func step(rows: [Int], tokens: [Int32], positions: [Int]) {
        let c = model.config
        let (C, L, NH, V, S) = (c.channels, c.layers, c.heads, c.vocabSize, c.maxSeqLen)
        let M = rows.count, hs = C / NH, scale = 1 / Float(hs).squareRoot()
        precondition(M <= stepRows, "a step feeds at most stepRows tokens")
        let p = model.params.baseAddress!, lay = model.layout, pw = model.packed
        func at(_ name: String) -> UnsafeMutablePointer<Float> { p + lay.offset(name) }
        let (wte, wpe) = (at("wte"), at("wpe"))
        for j in 0..<M {
            let e = wte + Int(tokens[j]) * C, pe = wpe + positions[j] * C, o = x + j * C
            for i in 0..<C { o[i] = e[i] + pe[i] }
        }
        for l in 0..<L {
            LayerNorm.forward(ln, mean, rstd, x, at("ln1w") + l * C, at("ln1b") + l * C, N: M, C: C)
            Linear.forward(qkv, ln, at("qkvw") + l * 3 * C * C, at("qkvb") + l * 3 * C, N: M, C: C, OC: 3 * C, panels: pw?.forward("qkvw", l))
            // Every entry's key and value go into the caches before any entry attends: an entry sees the
            // earlier positions of its row fed in this same step.
            for j in 0..<M {
                let t = positions[j], row = qkv + j * 3 * C
                for h in 0..<NH {
                    let head = ((rows[j] * L + l) * NH + h) * S * hs
                    BatchSampler.copy(row + C + h * hs, to: keys + head + t * hs, count: hs)
                    BatchSampler.copy(row + 2 * C + h * hs, to: values + head + t * hs, count: hs)
                }
            }
            for j in 0..<M {
                let t = positions[j]
                for h in 0..<NH {
                    let head = ((rows[j] * L + l) * NH + h) * S * hs
                    BatchSampler.attend(qkv + j * 3 * C + h * hs, keys: keys + head, values: values + head, through: t,
                                        headSize: hs, scale: scale, scores: scores, out: y + j * C + h * hs)
                }
            }
            Linear.forward(x, y, at("attprojw") + l * C * C, at("attprojb") + l * C, residual: x, N: M, C: C, OC: C,
                           panels: pw?.forward("attprojw", l))
            LayerNorm.forward(ln, mean, rstd, x, at("ln2w") + l * C, at("ln2b") + l * C, N: M, C: C)
            Linear.forward(fc, ln, at("fcw") + l * 4 * C * C, at("fcb") + l * 4 * C, N: M, C: C, OC: 4 * C, panels: pw?.forward("fcw", l))
            GELU.forward(fc, fc, N: M * 4 * C)   // in place
            Linear.forward(x, fc, at("fcprojw") + l * C * 4 * C, at("fcprojb") + l * C, residual: x, N: M, C: 4 * C, OC: C,
                           panels: pw?.forward("fcprojw", l))
        }
        LayerNorm.forward(ln, mean, rstd, x, at("lnfw"), at("lnfb"), N: M, C: C)
        Linear.forward(logits, ln, wte, nil, N: M, C: C, OC: V, panels: pw?.forward("wte"))
    }

    /// Copies one head's key or value (a few dozen numbers) in eight-lane steps: the library's memmove, called
    /// for each, cost about 3% of sampling in call overhead alone.
    @inline(__always) static func copy(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count { Lanes.store(Lanes.load(source, i), target, i); i += 8 }
        while i < count { target[i] = source[i]; i += 1 }
    }

    /// One query's attention over positions 0...t of one head's cache ([positions, hs] keys and values, each
    /// position's vector contiguous): scores = scale · Kq, out = Vᵀ softmax(scores), each product one sgemv.
    static func attend(_ q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>, through t: Int,
                       headSize hs: Int, scale: Float, scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>) {
        let n = Int32(t + 1)
        OpenBLAS.sgemv(CblasRowMajor, CblasNoTrans, n, Int32(hs), scale, keys, Int32(hs), q, 1, 0, scores, 1)
        let sum = FastMath.expShifted(scores, count: t + 1, shift: FastMath.maximum(scores, count: t + 1))
        OpenBLAS.sgemv(CblasRowMajor, CblasTrans, n, Int32(hs), 1 / sum, values, Int32(hs), scores, 1, 0, out, 1)
    }

    /// The next-token logits of row j of the last step's list.
    func logits(ofRow j: Int) -> [Float] { Array(UnsafeBufferPointer(start: logits + j * model.config.vocabSize, count: model.config.vocabSize)) }

    /// Picks a token from one row of logits: argmax at temperature 0, else a draw from the tempered top-p
    /// nucleus (the whole distribution when topP ≥ 1, without sorting).
    static func choose(_ logits: UnsafePointer<Float>, V: Int, temperature: Double, topP: Double,
                       rng: inout SeededGenerator) -> Int32 {
        var best = 0
        for i in 1..<V where logits[i] > logits[best] { best = i }
        if temperature <= 0 { return Int32(best) }
        let top = Double(logits[best])
        var probs = (0..<V).map { Foundation.exp((Double(logits[$0]) - top) / temperature) }
        let total = probs.reduce(0, +)
        for i in 0..<V { probs[i] /= total }
        let order = topP >= 1 ? Array(0..<V) : probs.indices.sorted { probs[$0] > probs[$1] }
        var kept = 0, mass = 0.0
        for i in order {
            kept += 1
            mass += probs[i]
            if mass >= topP { break }
        }
        var draw = rng.uniform() * mass
        for i in order.prefix(kept) {
            draw -= probs[i]
            if draw <= 0 { return Int32(i) }
        }
        return Int32(order[kept - 1])
    }
}
