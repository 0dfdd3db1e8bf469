import Testing
@testable import Engine

/// Compares a layer's backward with central finite differences of L = Σ out·w (w random), in Double.
/// `forward` maps the inputs to the output; `backward` gets the inputs and dL/dout = w and returns dL/dinput
/// for each input. Returns the worst relative error over every input element.
func worstGradientError(_ inputs: [[Double]], step eps: Double = 1e-6, forward: ([[Double]]) -> [Double],
                        backward: ([[Double]], [Double]) -> [[Double]]) -> Double {
    var rng = Generator(seed: 7)
    let out = forward(inputs)
    let w = out.map { _ in rng.uniform() * 2 - 1 }
    let analytic = backward(inputs, w)
    var worst = 0.0
    for (k, input) in inputs.enumerated() {
        for i in input.indices {
            var plus = inputs, minus = inputs
            plus[k][i] += eps
            minus[k][i] -= eps
            let lp = zip(forward(plus), w).reduce(0) { $0 + $1.0 * $1.1 }
            let lm = zip(forward(minus), w).reduce(0) { $0 + $1.0 * $1.1 }
            let numeric = (lp - lm) / (2 * eps)
            let error = abs(numeric - analytic[k][i]) / max(1e-6, abs(numeric) + abs(analytic[k][i]))
            worst = max(worst, error)
        }
    }
    return worst
}

struct Generator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func uniform() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
    }
    mutating func values(_ n: Int, scale: Double = 1) -> [Double] { (0..<n).map { _ in (uniform() * 2 - 1) * scale } }
}

@Suite struct GradientCheckTests {
    @Test func linear() {
        let (N, C, OC) = (5, 4, 3)
        var g = Generator(seed: 1)
        let error = worstGradientError([g.values(N * C), g.values(OC * C), g.values(OC)], forward: { x in
            var out = [Double](repeating: 0, count: N * OC)
            Linear.forward(&out, x[0], x[1], x[2], N: N, C: C, OC: OC)
            return out
        }, backward: { x, dout in
            var dinp = [Double](repeating: 0, count: N * C), dw = [Double](repeating: 0, count: OC * C), db = [Double](repeating: 0, count: OC)
            db.withUnsafeMutableBufferPointer { Linear.backward(&dinp, &dw, $0.baseAddress, dout, x[0], x[1], N: N, C: C, OC: OC) }
            return [dinp, dw, db]
        })
        #expect(error < 1e-6)
    }

    @Test func layerNorm() {
        let (N, C) = (3, 19)   // two groups of eight lanes and a tail of three
        var g = Generator(seed: 2)
        let error = worstGradientError([g.values(N * C), g.values(C), g.values(C)], forward: { x in
            var out = [Double](repeating: 0, count: N * C), mean = [Double](repeating: 0, count: N), rstd = [Double](repeating: 0, count: N)
            LayerNorm.forward(&out, &mean, &rstd, x[0], x[1], x[2], N: N, C: C)
            return out
        }, backward: { x, dout in
            var out = [Double](repeating: 0, count: N * C), mean = [Double](repeating: 0, count: N), rstd = [Double](repeating: 0, count: N)
            LayerNorm.forward(&out, &mean, &rstd, x[0], x[1], x[2], N: N, C: C)
            var dinp = [Double](repeating: 0, count: N * C), dw = [Double](repeating: 0, count: C), db = [Double](repeating: 0, count: C)
            LayerNorm.backward(&dinp, &dw, &db, dout, x[0], x[1], mean, rstd, N: N, C: C)
            return [dinp, dw, db]
        })
        #expect(error < 1e-5)
    }

    /// Head size 3 (one partial panel) over 37 steps (six whole row blocks and a partial one, keys ending inside a
    /// panel), head size 16 (whole panels) over 20 steps, and 24 steps (whole row blocks only).
    @Test(arguments: [(2, 37, 6, 2), (1, 20, 32, 2), (1, 24, 8, 2)])
    func attention(shape: (Int, Int, Int, Int)) {
        let (B, T, C, NH) = shape
        var g = Generator(seed: 3)
        // A larger step than the other layers': L sums B·T·C products, and at 1e-6 its rounding alone moves a
        // small gradient's difference quotient by about 1e-4 of its size.
        let error = worstGradientError([g.values(B * T * 3 * C)], step: 1e-4, forward: { x in
            var out = [Double](repeating: 0, count: B * T * C), att = [Double](repeating: .nan, count: B * NH * T * T)
            Attention.forward(&out, &att, x[0], B: B, T: T, C: C, NH: NH)
            return out
        }, backward: { x, dout in
            var out = [Double](repeating: 0, count: B * T * C), att = [Double](repeating: .nan, count: B * NH * T * T)
            Attention.forward(&out, &att, x[0], B: B, T: T, C: C, NH: NH)
            var dqkv = [Double](repeating: 0, count: B * T * 3 * C)
            Attention.backward(&dqkv, dout, x[0], att, B: B, T: T, C: C, NH: NH)
            return [dqkv]
        })
        #expect(error < 1e-5)   // a wrong term gives errors near 1e-1; the summation order moves the noise past 1e-6
    }

    /// A residual given to the forward pass is added to the output, in place as well (out == residual).
    @Test func linearAddsItsResidual() {
        let (N, C, OC) = (3, 4, 5)
        var g = Generator(seed: 8)
        let (inp, weight, bias, residual) = (g.values(N * C), g.values(OC * C), g.values(OC), g.values(N * OC))
        var plain = [Double](repeating: 0, count: N * OC), fused = plain
        Linear.forward(&plain, inp, weight, bias, N: N, C: C, OC: OC)
        Linear.forward(&fused, inp, weight, bias, residual: residual, N: N, C: C, OC: OC)
        var inPlace = residual
        inPlace.withUnsafeMutableBufferPointer { Linear.forward($0.baseAddress!, inp, weight, nil, residual: $0.baseAddress!, N: N, C: C, OC: OC) }
        var noBias = [Double](repeating: 0, count: N * OC)
        Linear.forward(&noBias, inp, weight, nil, N: N, C: C, OC: OC)
        for i in 0..<(N * OC) {
            #expect(abs(fused[i] - (plain[i] + residual[i])) < 1e-12)
            #expect(abs(inPlace[i] - (noBias[i] + residual[i])) < 1e-12)
        }
    }

    /// `accumulate: false` writes the input gradient over whatever the buffer held; the default adds to it.
    @Test func backwardWritesOrAccumulates() {
        let (N, C, OC) = (3, 4, 5)
        var g = Generator(seed: 9)
        let (inp, weight, dout) = (g.values(N * C), g.values(OC * C), g.values(N * OC))
        var fromZero = [Double](repeating: 0, count: N * C), written = [Double](repeating: 7, count: N * C), added = written
        var dw = [Double](repeating: 0, count: OC * C)
        Linear.backward(&fromZero, &dw, nil, dout, inp, weight, N: N, C: C, OC: OC)
        Linear.backward(&written, &dw, nil, dout, inp, weight, N: N, C: C, OC: OC, accumulate: false)
        Linear.backward(&added, &dw, nil, dout, inp, weight, N: N, C: C, OC: OC)
        for i in 0..<(N * C) {
            #expect(abs(written[i] - fromZero[i]) < 1e-12)
            #expect(abs(added[i] - (7 + fromZero[i])) < 1e-12)
        }
        var geluZero = [Double](repeating: 0, count: N * C), geluWritten = [Double](repeating: 7, count: N * C)
        GELU.backward(&geluZero, slope: inp, inp, N: N * C)
        GELU.backward(&geluWritten, slope: inp, inp, N: N * C, accumulate: false)
        #expect(geluZero == geluWritten)
        // Attention: every element of dqkv, queries, keys and values alike, is written.
        let (B, T, AC, NH) = (2, 13, 6, 2)
        let qkv = g.values(B * T * 3 * AC), attDout = g.values(B * T * AC)
        var out = [Double](repeating: 0, count: B * T * AC), att = [Double](repeating: .nan, count: B * NH * T * T)
        Attention.forward(&out, &att, qkv, B: B, T: T, C: AC, NH: NH)
        var dqkvZero = [Double](repeating: 0, count: B * T * 3 * AC), dqkvWritten = [Double](repeating: 7, count: B * T * 3 * AC)
        Attention.backward(&dqkvZero, attDout, qkv, att, B: B, T: T, C: AC, NH: NH)
        Attention.backward(&dqkvWritten, attDout, qkv, att, B: B, T: T, C: AC, NH: NH, accumulate: false)
        #expect(dqkvZero == dqkvWritten)
    }

    @Test func gelu() {
        var g = Generator(seed: 4)
        let error = worstGradientError([g.values(20, scale: 3)], forward: { x in
            var out = [Double](repeating: 0, count: 20)
            GELU.forward(&out, x[0], N: 20)
            return out
        }, backward: { x, dout in
            var out = [Double](repeating: 0, count: 20), slope = out, dinp = out
            GELU.forward(&out, x[0], N: 20, slope: &slope)
            GELU.backward(&dinp, slope: slope, dout, N: 20)
            return [dinp]
        })
        #expect(error < 1e-6)
    }

    @Test func softmaxCrossEntropy() {
        let (N, V) = (4, 7)
        let targets: [Int32] = [3, 0, 6, -1]   // the last position is ignored
        var g = Generator(seed: 5)
        let error = worstGradientError([g.values(N * V, scale: 2)], forward: { x in
            var probs = [Double](repeating: 0, count: N * V), losses = [Double](repeating: 0, count: N)
            SoftmaxCrossEntropy.forward(&probs, &losses, x[0], targets, N: N, V: V)
            return losses
        }, backward: { x, dlosses in
            var probs = [Double](repeating: 0, count: N * V), losses = [Double](repeating: 0, count: N)
            SoftmaxCrossEntropy.forward(&probs, &losses, x[0], targets, N: N, V: V)
            var dlogits = [Double](repeating: 0, count: N * V)
            SoftmaxCrossEntropy.backward(&dlogits, dlosses, probs, targets, N: N, V: V)
            return [dlogits]
        })
        #expect(error < 1e-6)
    }

    @Test func encoderAccumulatesIntoTheRowsUsed() {
        let (B, T, C, V) = (1, 3, 2, 4)
        let tokens: [Int32] = [2, 2, 0]
        var dwte = [Double](repeating: 0, count: V * C), dwpe = [Double](repeating: 0, count: T * C)
        Encoder.backward(&dwte, &dwpe, [1, 2, 3, 4, 5, 6], tokens, B: B, T: T, C: C)
        #expect(dwte == [5, 6, 0, 0, 4, 6, 0, 0])   // token 2 twice: rows add
        #expect(dwpe == [1, 2, 3, 4, 5, 6])
    }
}
