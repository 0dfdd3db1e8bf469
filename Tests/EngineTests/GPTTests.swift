import Testing
@testable import Engine

@Suite struct GPTTests {
    let tiny = GPTConfig(vocabSize: 7, maxSeqLen: 5, layers: 2, heads: 2, channels: 4)

    /// The whole model's backward against finite differences of its loss, every parameter, in Double.
    @Test func wholeModelGradientsMatchFiniteDifferences() {
        let model = GPT<Double>(config: tiny, seed: 3)
        // Larger weights than the 0.02 initialisation, so every path carries signal.
        var g = Generator(seed: 11)
        for i in 0..<model.params.count { model.params[i] += g.uniform() * 0.6 - 0.3 }
        let tokens: [Int32] = [1, 4, 2, 6, 0, 3, 3, 5], targets: [Int32] = [4, 2, 6, -1, 3, 3, 5, 1]
        model.zeroGradients()
        model.forward(tokens: tokens, targets: targets, B: 2, T: 4)
        model.backward()
        let eps = 1e-6
        var worst = 0.0
        for i in 0..<model.params.count {
            let saved = model.params[i]
            model.params[i] = saved + eps
            let lp = model.forward(tokens: tokens, targets: targets, B: 2, T: 4)
            model.params[i] = saved - eps
            let lm = model.forward(tokens: tokens, targets: targets, B: 2, T: 4)
            model.params[i] = saved
            let numeric = (lp - lm) / (2 * eps), analytic = model.grads[i]
            worst = max(worst, abs(numeric - analytic) / max(1e-7, abs(numeric) + abs(analytic)))
        }
        #expect(model.params.count == model.layout.count && model.layout.count > 500)
        #expect(worst < 1e-4)
    }

    /// With its weights packed for the engine's own matrix kernel the model computes the same loss and
    /// gradients as through BLAS (the path the finite-difference check above covers), on shapes that leave
    /// partial panels (7, 4 and 12 columns) and a partial block of rows (8 = 6 + 2).
    @Test func packedWeightsGiveTheSameLossAndGradients() {
        let model = GPT<Double>(config: tiny, seed: 3)
        var g = Generator(seed: 11)
        for i in 0..<model.params.count { model.params[i] += g.uniform() * 0.6 - 0.3 }
        let tokens: [Int32] = [1, 4, 2, 6, 0, 3, 3, 5], targets: [Int32] = [4, 2, 6, -1, 3, 3, 5, 1]
        func lossAndGradients() -> (Double, [Double]) {
            model.zeroGradients()
            let loss = model.forward(tokens: tokens, targets: targets, B: 2, T: 4)
            model.backward()
            return (loss, Array(model.grads))
        }
        let (blasLoss, blasGrads) = lossAndGradients()
        #expect(model.packed == nil)
        let (packedLoss, packedGrads) = model.withPackedWeights {
            #expect(model.packed != nil)
            return lossAndGradients()
        }
        #expect(model.packed == nil)
        #expect(abs(packedLoss - blasLoss) < 1e-12)
        #expect(zip(packedGrads, blasGrads).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(blasGrads.contains { abs($0) > 1e-3 })
    }

    /// The packed kernel against the product written out, every combination of a partial row block, a
    /// partial panel, accumulation, and a bias and residual added as it stores.
    @Test func packedKernelMatchesTheProduct() {
        var g = Generator(seed: 5)
        for (M, N, K) in [(1, 1, 1), (6, 16, 3), (7, 17, 5), (13, 40, 33), (64, 384, 128)] {
            let a = (0..<(M * K)).map { _ in g.uniform() - 0.5 }, w = (0..<(N * K)).map { _ in g.uniform() - 0.5 }
            let start = (0..<(M * N)).map { _ in g.uniform() }
            var panels = [Double](repeating: .nan, count: PackedGEMM.panelSize(K: K, N: N))
            PackedGEMM.pack(w, K: K, N: N, kStride: 1, jStride: K, into: &panels)   // B = wᵀ, as a forward layer reads it
            let bias = (0..<N).map { _ in g.uniform() }, residual = (0..<(M * N)).map { _ in g.uniform() }
            for accumulate in [false, true] {
                for adding in [false, true] {
                    var c = start
                    bias.withUnsafeBufferPointer { b in
                        residual.withUnsafeBufferPointer { r in
                            PackedGEMM.multiply(m: M, n: N, k: K, a: a, lda: K, panels: panels, accumulate: accumulate, c: &c, ldc: N,
                                                bias: adding ? b.baseAddress : nil, residual: adding ? r.baseAddress : nil)
                        }
                    }
                    var worst = 0.0
                    for i in 0..<M {
                        for j in 0..<N {
                            let product = (0..<K).reduce(0.0) { $0 + a[i * K + $1] * w[j * K + $1] }
                            let expected = (accumulate ? start[i * N + j] : 0) + product + (adding ? bias[j] + residual[i * N + j] : 0)
                            worst = max(worst, abs(c[i * N + j] - expected))
                        }
                    }
                    #expect(worst < 1e-12, "M=\(M) N=\(N) K=\(K) accumulate=\(accumulate) bias and residual=\(adding)")
                }
            }
        }
    }

    /// Training with a fixed seed on one thread is reproducible to the bit.
    @Test func deterministicWithASeed() {
        func losses() -> [Float] {
            let model = GPT<Float>(config: tiny, seed: 42)
            let optimizer = AdamW(learningRate: 1e-2)
            return (0..<5).map { _ in
                model.zeroGradients()
                let loss = model.forward(tokens: [1, 2, 3, 4, 5, 6, 0, 1], targets: [2, 3, 4, 5, 6, 0, 1, 2], B: 2, T: 4)
                model.backward()
                model.update(optimizer)
                return loss
            }
        }
        let a = losses(), b = losses()
        #expect(a == b)
        #expect(a.last! < a.first!)
    }

    /// It learns: a fixed sequence is memorised.
    @Test func learnsASequence() {
        let model = GPT<Float>(config: GPTConfig(vocabSize: 10, maxSeqLen: 8, layers: 2, heads: 2, channels: 16), seed: 1)
        let optimizer = AdamW(learningRate: 3e-3)
        let tokens: [Int32] = [0, 3, 1, 4, 1, 5, 9, 2], targets: [Int32] = [3, 1, 4, 1, 5, 9, 2, 6]
        var first: Float = 0, last: Float = 0
        for step in 0..<150 {
            model.zeroGradients()
            let loss = model.forward(tokens: tokens, targets: targets, B: 1, T: 8)
            model.backward()
            model.update(optimizer)
            if step == 0 { first = loss }
            last = loss
        }
        #expect(first > 2 && last < 0.1)
    }
}
