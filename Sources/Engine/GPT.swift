import Foundation

/// The shape of a GPT-style decoder: vocabulary, context, depth, heads and width.
public struct GPTConfig: Codable, Equatable, Sendable {
    public var vocabSize: Int
    public var maxSeqLen: Int
    public var layers: Int
    public var heads: Int
    public var channels: Int

    public init(vocabSize: Int, maxSeqLen: Int, layers: Int, heads: Int, channels: Int) {
        precondition(channels % heads == 0, "channels must divide into heads")
        self.vocabSize = vocabSize
        self.maxSeqLen = maxSeqLen
        self.layers = layers
        self.heads = heads
        self.channels = channels
    }
}

/// Where each parameter tensor lives in the one flat buffer (llm.c's order), and its shape.
public struct ParameterLayout: Sendable {
    public let names = ["wte", "wpe", "ln1w", "ln1b", "qkvw", "qkvb", "attprojw", "attprojb", "ln2w", "ln2b",
                        "fcw", "fcb", "fcprojw", "fcprojb", "lnfw", "lnfb"]
    public let shapes: [[Int]]
    public let offsets: [Int]
    public let count: Int

    public init(_ c: GPTConfig) {
        let (V, T, L, C) = (c.vocabSize, c.maxSeqLen, c.layers, c.channels)
        shapes = [[V, C], [T, C], [L, C], [L, C], [L, 3 * C, C], [L, 3 * C], [L, C, C], [L, C], [L, C], [L, C],
                  [L, 4 * C, C], [L, 4 * C], [L, C, 4 * C], [L, C], [C], [C]]
        var running = 0
        offsets = shapes.map { shape in defer { running += shape.reduce(1, *) }; return running }
        count = running
    }

    public func offset(_ name: String) -> Int { offsets[names.firstIndex(of: name)!] }
    public func size(_ name: String) -> Int { shapes[names.firstIndex(of: name)!].reduce(1, *) }
}

/// A GPT-2-style model with a tied output head, in the manner of llm.c: one buffer of parameters, one of
/// gradients, one of activations for the current batch shape; forward, backward and AdamW.
public final class GPT<T: Scalar> {
    public let config: GPTConfig
    public let layout: ParameterLayout
    public let params: UnsafeMutableBufferPointer<T>
    public let grads: UnsafeMutableBufferPointer<T>
    private var acts: Activations?
    private var adam: (m: UnsafeMutableBufferPointer<T>, v: UnsafeMutableBufferPointer<T>, step: Int)?
    /// For a replica, the model whose parameters it reads (kept alive; the replica never frees them).
    private let owner: GPT<T>?
    /// The weights in panels for ``PackedGEMM``, kept between steps and refilled by ``withPackedWeights(_:)``.
    private var packedStorage: PackedWeights<T>?
    /// Whether ``packedStorage`` holds the current weights: only inside ``withPackedWeights(_:)``.
    private var packedCurrent = false
    /// When set, the forward and backward passes time each operation into it (`oneshot-bench engine-profile`).
    public var profile: StepProfile?

    /// Runs `body` with the weights also packed for the engine's own matrix kernel, which the linear layers
    /// of this model (and of its replicas) then use instead of BLAS: once per step instead of BLAS packing
    /// them in every call. The weights must not change inside `body`; outside it BLAS is used.
    public func withPackedWeights<R>(_ body: () throws -> R) rethrows -> R {
        let model = owner ?? self
        if model.packedCurrent { return try body() }
        if model.packedStorage == nil { model.packedStorage = PackedWeights(model) }
        model.packedStorage!.fill(from: model)
        model.packedCurrent = true
        defer { model.packedCurrent = false }
        return try body()
    }

    /// The packed weights while ``withPackedWeights(_:)`` runs, nil otherwise.
    var packed: PackedWeights<T>? {
        let model = owner ?? self
        return model.packedCurrent ? model.packedStorage : nil
    }

    /// A model with GPT-2's initialisation: normal(0, 0.02) weights, residual projections scaled by
    /// 1/√(2·layers), layer norms at weight 1 and bias 0; deterministic for a seed.
    public init(config: GPTConfig, seed: UInt64) {
        BLASThreads.singleByDefault
        self.config = config
        owner = nil
        layout = ParameterLayout(config)
        params = CacheAligned.allocate(count: layout.count)
        grads = CacheAligned.allocate(count: layout.count)
        params.initialize(repeating: 0)
        grads.initialize(repeating: 0)
        var rng = NormalGenerator(seed: seed)
        for (k, name) in layout.names.enumerated() {
            let start = layout.offsets[k], n = layout.size(name)
            if name.hasPrefix("ln") && name.hasSuffix("w") {
                for i in 0..<n { params[start + i] = 1 }
            } else if !name.hasSuffix("b") {
                let std = name.hasSuffix("projw") ? 0.02 / (2 * Double(config.layers)).squareRoot() : 0.02
                for i in 0..<n { params[start + i] = T(rng.next() * std) }
            }
        }
    }

    /// A model with `other`'s configuration and weights in a buffer of its own (no optimizer state).
    public convenience init(copying other: GPT<T>) {
        self.init(config: other.config, seed: 0)
        params.baseAddress!.update(from: other.params.baseAddress!, count: layout.count)
    }

    /// A worker's replica: the same parameter buffer as `model` (read, never written, by the replica), its own
    /// gradients and activations, so several threads can run forward and backward passes at once.
    public init(replicaOf model: GPT<T>) {
        config = model.config
        layout = model.layout
        owner = model
        params = model.params
        grads = CacheAligned.allocate(count: layout.count)
        grads.initialize(repeating: 0)
    }

    deinit {
        if owner == nil { CacheAligned.deallocate(params) }
        CacheAligned.deallocate(grads)
        if let acts { CacheAligned.deallocate(acts.buffer); CacheAligned.deallocate(acts.gradBuffer) }
        if let adam { CacheAligned.deallocate(adam.m); CacheAligned.deallocate(adam.v) }
    }

    private func p(_ name: String) -> UnsafeMutablePointer<T> { params.baseAddress! + layout.offset(name) }
    private func g(_ name: String) -> UnsafeMutablePointer<T> { grads.baseAddress! + layout.offset(name) }

    /// Activations for one batch shape, each a slice of one buffer.
    private struct Activations {
        let B: Int, T: Int
        let buffer: UnsafeMutableBufferPointer<T>
        let gradBuffer: UnsafeMutableBufferPointer<T>
        var offsets: [String: Int] = [:]
        var tokens: [Int32] = []
        var targets: [Int32]? = nil
        var validTargets = 0
        /// How much of the gradient buffer the backward pass accumulates into for this batch shape (the
        /// gradients it writes outright, and the activations without one, are laid out after it).
        var accumulated = 0

        /// Zeroes the part of the gradient buffer the backward pass accumulates into.
        func zeroGradientBuffer() { UnsafeMutableBufferPointer(rebasing: gradBuffer[0..<accumulated]).update(repeating: 0) }
    }

    private func activations(B: Int, T steps: Int) -> Activations {
        if let acts, acts.B == B, acts.T == steps { return acts }
        let (offsets, accumulated, total) = activationLayout(B: B, T: steps)
        // Batches of varying length (RL steps) reuse the buffers, made once for B rows of the whole context.
        var buffer: UnsafeMutableBufferPointer<T>, gradBuffer: UnsafeMutableBufferPointer<T>
        if let acts, acts.buffer.count >= total {
            (buffer, gradBuffer) = (acts.buffer, acts.gradBuffer)
        } else {
            if let acts { CacheAligned.deallocate(acts.buffer); CacheAligned.deallocate(acts.gradBuffer) }
            let capacity = max(total, activationLayout(B: B, T: config.maxSeqLen).total)
            buffer = CacheAligned.allocate(count: capacity)
            gradBuffer = CacheAligned.allocate(count: capacity)
            buffer.initialize(repeating: 0)
            gradBuffer.initialize(repeating: 0)
        }
        var a = Activations(B: B, T: steps, buffer: buffer, gradBuffer: gradBuffer)
        a.accumulated = accumulated
        a.offsets = offsets
        acts = a
        return a
    }

    /// Where each activation of a [B,T] batch starts in the activation buffer, how many leading elements have
    /// gradients that backward accumulates (it zeroes only those), and the buffer's size. Next come the
    /// gradients backward writes outright (each has one writer, called with `accumulate: false`), last the
    /// activations without a gradient of their own: the residual sums (their gradient is encoded's), attention
    /// weights, GELU's slopes, layer-norm statistics, probabilities and losses. Each starts on a cache line.
    private func activationLayout(B: Int, T steps: Int) -> (offsets: [String: Int], accumulated: Int, total: Int) {
        let (L, C, NH, V) = (config.layers, config.channels, config.heads, config.vocabSize)
        let BT = B * steps
        // encoded's gradient is the whole residual stream's: each layer's two residual connections pass the
        // stream's gradient through unchanged, and its layer norms add theirs into it in place.
        // fch, the MLP's hidden layer, holds GELU's output: GELU runs in place, forward and backward, so that
        // neither side of it needs a buffer of its own.
        let accumulated: [(String, Int)] = [("encoded", BT * C), ("lnf", BT * C), ("logits", BT * V)]
        let written: [(String, Int)] = [
            ("ln1", L * BT * C), ("qkv", L * BT * 3 * C), ("atty", L * BT * C), ("ln2", L * BT * C), ("fch", L * BT * 4 * C),
        ]
        let without: [(String, Int)] = [
            ("residual2", L * BT * C), ("residual3", L * BT * C), ("fchslope", L * BT * 4 * C), ("att", L * B * NH * steps * steps),
            ("ln1mean", L * BT), ("ln1rstd", L * BT), ("ln2mean", L * BT), ("ln2rstd", L * BT),
            ("lnfmean", BT), ("lnfrstd", BT), ("probs", BT * V), ("losses", BT),
        ]
        var offsets: [String: Int] = [:]
        var total = 0
        for (name, n) in accumulated { offsets[name] = total; total += CacheAligned.roundedUp(n, of: T.self) }
        let accumulatedEnd = total
        for (name, n) in written + without { offsets[name] = total; total += CacheAligned.roundedUp(n, of: T.self) }
        return (offsets, accumulatedEnd, total)
    }

    /// Runs the model on `tokens` ([B,T], row-major); with `targets` (-1 to ignore a position) returns the
    /// mean cross-entropy over the targets, else 0. The probabilities of the last call stay in ``probabilities``.
    @discardableResult
    public func forward(tokens: [Int32], targets: [Int32]?, B: Int, T steps: Int) -> T {
        precondition(tokens.count == B * steps && steps <= config.maxSeqLen, "tokens must be B×T with T ≤ maxSeqLen")
        var a = activations(B: B, T: steps)
        a.tokens = tokens
        a.targets = targets
        let (L, C, NH, V) = (config.layers, config.channels, config.heads, config.vocabSize)
        let BT = B * steps, pw = packed
        func act(_ name: String) -> UnsafeMutablePointer<T> { a.buffer.baseAddress! + a.offsets[name]! }
        timed(.encoder) {
            tokens.withUnsafeBufferPointer { tok in
                Encoder.forward(act("encoded"), tok.baseAddress!, p("wte"), p("wpe"), B: B, T: steps, C: C)
            }
        }
        let linearFLOPs = 2 * BT * C * C   // per C×C of weight
        for l in 0..<L {
            let residual = l == 0 ? act("encoded") : act("residual3") + (l - 1) * BT * C
            let ln1 = act("ln1") + l * BT * C, qkv = act("qkv") + l * BT * 3 * C, atty = act("atty") + l * BT * C
            let att = act("att") + l * B * NH * steps * steps
            let residual2 = act("residual2") + l * BT * C, ln2 = act("ln2") + l * BT * C
            let fch = act("fch") + l * BT * 4 * C
            let residual3 = act("residual3") + l * BT * C
            timed(.layerNorm) {
                LayerNorm.forward(ln1, act("ln1mean") + l * BT, act("ln1rstd") + l * BT, residual, p("ln1w") + l * C, p("ln1b") + l * C, N: BT, C: C)
            }
            timed(.linear, flops: 3 * linearFLOPs) {
                Linear.forward(qkv, ln1, p("qkvw") + l * 3 * C * C, p("qkvb") + l * 3 * C, N: BT, C: C, OC: 3 * C, panels: pw?.forward("qkvw", l))
            }
            timed(.attention, flops: 2 * attentionProductFLOPs(B: B, T: steps)) { Attention.forward(atty, att, qkv, B: B, T: steps, C: C, NH: NH) }
            timed(.linear, flops: linearFLOPs) {
                Linear.forward(residual2, atty, p("attprojw") + l * C * C, p("attprojb") + l * C, residual: residual, N: BT, C: C, OC: C,
                               panels: pw?.forward("attprojw", l))
            }
            timed(.layerNorm) {
                LayerNorm.forward(ln2, act("ln2mean") + l * BT, act("ln2rstd") + l * BT, residual2, p("ln2w") + l * C, p("ln2b") + l * C, N: BT, C: C)
            }
            timed(.linear, flops: 4 * linearFLOPs) {
                Linear.forward(fch, ln2, p("fcw") + l * 4 * C * C, p("fcb") + l * 4 * C, N: BT, C: C, OC: 4 * C, panels: pw?.forward("fcw", l))
            }
            timed(.gelu) { GELU.forward(fch, fch, N: BT * 4 * C, slope: act("fchslope") + l * BT * 4 * C) }   // in place
            timed(.linear, flops: 4 * linearFLOPs) {
                Linear.forward(residual3, fch, p("fcprojw") + l * C * 4 * C, p("fcprojb") + l * C, residual: residual2,
                               N: BT, C: 4 * C, OC: C, panels: pw?.forward("fcprojw", l))
            }
        }
        let last = L == 0 ? act("encoded") : act("residual3") + (L - 1) * BT * C
        timed(.layerNorm) { LayerNorm.forward(act("lnf"), act("lnfmean"), act("lnfrstd"), last, p("lnfw"), p("lnfb"), N: BT, C: C) }
        timed(.linear, flops: 2 * BT * C * V) {   // tied head
            Linear.forward(act("logits"), act("lnf"), p("wte"), nil, N: BT, C: C, OC: V, panels: pw?.forward("wte"))
        }
        let noTargets = [Int32](repeating: -1, count: BT)
        var loss: T = 0
        timed(.crossEntropy) {
            (targets ?? noTargets).withUnsafeBufferPointer { tgt in
                SoftmaxCrossEntropy.forward(act("probs"), act("losses"), act("logits"), tgt.baseAddress!, N: BT, V: V)
            }
        }
        a.validTargets = targets?.filter { $0 >= 0 }.count ?? 0
        if a.validTargets > 0 {
            for i in 0..<BT { loss += act("losses")[i] }
            loss /= T(a.validTargets)
        }
        acts = a
        return loss
    }

    /// The next-token probabilities of the last forward pass, [B,T,V].
    public var probabilities: UnsafeBufferPointer<T> { lastActivation("probs", width: config.vocabSize) }

    /// The logits of the last forward pass, [B,T,V].
    public var logits: UnsafeBufferPointer<T> { lastActivation("logits", width: config.vocabSize) }

    /// The final layer norm's output of the last forward pass, [B,T,C]: what a value head reads.
    public var hidden: UnsafeBufferPointer<T> { lastActivation("lnf", width: config.channels) }

    /// Activation `name` ([B,T,width]) of the last forward pass (empty before the first).
    private func lastActivation(_ name: String, width: Int) -> UnsafeBufferPointer<T> {
        guard let a = acts else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: a.buffer.baseAddress! + a.offsets[name]!, count: a.B * a.T * width)
    }

    /// AdamW's moments, created on the first update; the step counter advances with each call.
    func optimizerState() -> (m: UnsafeMutableBufferPointer<T>, v: UnsafeMutableBufferPointer<T>, step: Int) {
        if adam == nil {
            let m = CacheAligned.allocate(T.self, count: layout.count), v = CacheAligned.allocate(T.self, count: layout.count)
            m.initialize(repeating: 0)
            v.initialize(repeating: 0)
            adam = (m, v, 0)
        }
        adam!.step += 1
        return adam!
    }

    /// AdamW's moments and step count, once the first update has made them.
    public var optimizerMoments: (m: UnsafeMutableBufferPointer<T>, v: UnsafeMutableBufferPointer<T>, step: Int)? { adam }

    /// Makes the optimizer state (zeroed when new) with `step` updates done, for a resumed run to fill in.
    func restoreOptimizer(step: Int) -> (m: UnsafeMutableBufferPointer<T>, v: UnsafeMutableBufferPointer<T>, step: Int) {
        _ = optimizerState()
        adam!.step = step
        return adam!
    }

    /// Sets every parameter gradient to zero.
    public func zeroGradients() {
        grads.update(repeating: 0)
    }

    /// Accumulates dLoss/dparameters of the last forward pass (which must have had targets) into ``grads``.
    /// `lossWeights` (one per position, default 1/#targets) weights each position's loss.
    public func backward(lossWeights: [T]? = nil) {
        guard let a = acts, let targets = a.targets else { preconditionFailure("backward needs a forward pass with targets") }
        let (BT, V) = (a.B * a.T, config.vocabSize)
        a.zeroGradientBuffer()
        func act(_ name: String) -> UnsafeMutablePointer<T> { a.buffer.baseAddress! + a.offsets[name]! }
        func d(_ name: String) -> UnsafeMutablePointer<T> { a.gradBuffer.baseAddress! + a.offsets[name]! }
        let weights = lossWeights ?? [T](repeating: a.validTargets > 0 ? 1 / T(a.validTargets) : 0, count: BT)
        timed(.crossEntropyBackward) {
            weights.withUnsafeBufferPointer { w in
                targets.withUnsafeBufferPointer { tgt in
                    SoftmaxCrossEntropy.backward(d("logits"), w.baseAddress!, act("probs"), tgt.baseAddress!, N: BT, V: V)
                }
            }
        }
        backwardFromLogits(a)
    }

    /// Accumulates dLoss/dparameters of the last forward pass into ``grads`` for any loss of its logits:
    /// `fill` writes dLoss/dlogits into the zeroed [B,T,V] buffer it is given (policy-gradient losses).
    public func backward(fillingLogitGradients fill: (UnsafeMutablePointer<T>) -> Void) {
        backward(filling: "logits", fill, then: backwardFromLogits)
    }

    /// Accumulates dLoss/dparameters for a loss of ``hidden`` (a critic's value loss): `fill` writes
    /// dLoss/dhidden into the zeroed [B,T,C] buffer it is given. The output head takes no part.
    public func backward(fillingHiddenGradients fill: (UnsafeMutablePointer<T>) -> Void) {
        backward(filling: "lnf", fill, then: backwardFromHidden)
    }

    /// Zeroes the activation gradients, lets `fill` write those of activation `name`, and runs `rest` down.
    private func backward(filling name: String, _ fill: (UnsafeMutablePointer<T>) -> Void, then rest: (Activations) -> Void) {
        guard let a = acts else { preconditionFailure("backward needs a forward pass") }
        a.zeroGradientBuffer()
        fill(a.gradBuffer.baseAddress! + a.offsets[name]!)
        rest(a)
    }

    /// The backward pass from dlogits (already in the gradient buffer) down to the embeddings.
    private func backwardFromLogits(_ a: Activations) {
        func act(_ name: String) -> UnsafeMutablePointer<T> { a.buffer.baseAddress! + a.offsets[name]! }
        func d(_ name: String) -> UnsafeMutablePointer<T> { a.gradBuffer.baseAddress! + a.offsets[name]! }
        linearBackward(d("lnf"), g("wte"), nil, d("logits"), act("lnf"), p("wte"), N: a.B * a.T, C: config.channels, OC: config.vocabSize,
                       panels: packed?.backward("wte"))
        backwardFromHidden(a)
    }

    /// The backward pass from dhidden (in the gradient buffer) down to the embeddings.
    private func backwardFromHidden(_ a: Activations) {
        let (B, steps, L, C, NH) = (a.B, a.T, config.layers, config.channels, config.heads)
        let BT = B * steps, pw = packed
        func act(_ name: String) -> UnsafeMutablePointer<T> { a.buffer.baseAddress! + a.offsets[name]! }
        func d(_ name: String) -> UnsafeMutablePointer<T> { a.gradBuffer.baseAddress! + a.offsets[name]! }
        let last = L == 0 ? act("encoded") : act("residual3") + (L - 1) * BT * C
        let stream = d("encoded")   // the residual stream's gradient, at every layer (see activationLayout)
        timed(.layerNormBackward) {
            LayerNorm.backward(stream, g("lnfw"), g("lnfb"), d("lnf"), last, p("lnfw"), act("lnfmean"), act("lnfrstd"), N: BT, C: C)
        }
        for l in stride(from: L - 1, through: 0, by: -1) {
            let residual = l == 0 ? act("encoded") : act("residual3") + (l - 1) * BT * C
            // residual3 = residual2 + fcproj: the stream's gradient is fcproj's output gradient as it stands
            linearBackward(d("fch") + l * BT * 4 * C, g("fcprojw") + l * C * 4 * C, g("fcprojb") + l * C, stream,
                           act("fch") + l * BT * 4 * C, p("fcprojw") + l * C * 4 * C, N: BT, C: 4 * C, OC: C, panels: pw?.backward("fcprojw", l))
            timed(.geluBackward) {
                GELU.backward(d("fch") + l * BT * 4 * C, slope: act("fchslope") + l * BT * 4 * C, d("fch") + l * BT * 4 * C, N: BT * 4 * C,
                              accumulate: false)   // in place
            }
            linearBackward(d("ln2") + l * BT * C, g("fcw") + l * 4 * C * C, g("fcb") + l * 4 * C, d("fch") + l * BT * 4 * C,
                           act("ln2") + l * BT * C, p("fcw") + l * 4 * C * C, N: BT, C: C, OC: 4 * C, panels: pw?.backward("fcw", l))
            timed(.layerNormBackward) {
                LayerNorm.backward(stream, g("ln2w") + l * C, g("ln2b") + l * C, d("ln2") + l * BT * C, act("residual2") + l * BT * C,
                                   p("ln2w") + l * C, act("ln2mean") + l * BT, act("ln2rstd") + l * BT, N: BT, C: C)
            }
            // residual2 = residual + attproj: the same for attproj
            linearBackward(d("atty") + l * BT * C, g("attprojw") + l * C * C, g("attprojb") + l * C, stream,
                           act("atty") + l * BT * C, p("attprojw") + l * C * C, N: BT, C: C, OC: C, panels: pw?.backward("attprojw", l))
            timed(.attentionBackward, flops: 4 * attentionProductFLOPs(B: B, T: steps)) {
                Attention.backward(d("qkv") + l * BT * 3 * C, d("atty") + l * BT * C, act("qkv") + l * BT * 3 * C,
                                   act("att") + l * B * NH * steps * steps, B: B, T: steps, C: C, NH: NH, accumulate: false)
            }
            linearBackward(d("ln1") + l * BT * C, g("qkvw") + l * 3 * C * C, g("qkvb") + l * 3 * C, d("qkv") + l * BT * 3 * C,
                           act("ln1") + l * BT * C, p("qkvw") + l * 3 * C * C, N: BT, C: C, OC: 3 * C, panels: pw?.backward("qkvw", l))
            timed(.layerNormBackward) {
                LayerNorm.backward(stream, g("ln1w") + l * C, g("ln1b") + l * C, d("ln1") + l * BT * C, residual,
                                   p("ln1w") + l * C, act("ln1mean") + l * BT, act("ln1rstd") + l * BT, N: BT, C: C)
            }
        }
        timed(.encoderBackward) {
            a.tokens.withUnsafeBufferPointer { tok in
                Encoder.backward(g("wte"), g("wpe"), stream, tok.baseAddress!, B: B, T: steps, C: C)
            }
        }
    }

    /// A linear layer's three gradients (its input's written, not added), each timed on its own under a ``profile``.
    private func linearBackward(_ dinp: UnsafeMutablePointer<T>, _ dweight: UnsafeMutablePointer<T>, _ dbias: UnsafeMutablePointer<T>?,
                                _ dout: UnsafePointer<T>, _ inp: UnsafePointer<T>, _ weight: UnsafePointer<T>, N: Int, C: Int, OC: Int,
                                panels: UnsafePointer<T>?) {
        timed(.linearInputGradients, flops: 2 * N * C * OC) {
            Linear.inputGradient(dinp, dout, weight, N: N, C: C, OC: OC, accumulate: false, panels: panels)
        }
        timed(.linearWeightGradients, flops: 2 * N * C * OC) { Linear.weightGradient(dweight, dout, inp, N: N, C: C, OC: OC) }
        if let dbias { timed(.biasGradients) { Linear.biasGradient(dbias, dout, N: N, OC: OC) } }
    }

    /// The FLOPs of one of attention's products over all heads, counting the causal query-key pairs only: T(T+1)/2
    /// per sequence, head size × heads = channels, 2 per multiply-add. Forward has two such products, backward four.
    private func attentionProductFLOPs(B: Int, T steps: Int) -> Int { B * config.channels * steps * (steps + 1) }

    /// Runs `body`, timed as `operation` (with `flops`) when a ``profile`` is attached.
    @inline(__always) private func timed<R>(_ operation: StepProfile.Operation, flops: Int = 0, _ body: () -> R) -> R {
        guard let profile else { return body() }
        return profile.measure(operation, flops: flops, body)
    }
}

/// Standard normal numbers from a seeded generator (Box–Muller over a 64-bit LCG), the same everywhere.
struct NormalGenerator {
    private var state: UInt64
    private var spare: Double?

    init(seed: UInt64) { state = seed &* 0x9E3779B97F4A7C15 &+ 1 }

    mutating func uniform() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return (Double(state >> 11) + 0.5) / Double(1 << 53)
    }

    mutating func next() -> Double {
        if let s = spare { spare = nil; return s }
        let u = uniform(), v = uniform()
        let r = (-2 * Foundation.log(u)).squareRoot()
        spare = r * Foundation.sin(2 * Double.pi * v)
        return r * Foundation.cos(2 * Double.pi * v)
    }
}
