import Foundation
import Testing
@testable import Engine

@Suite struct FastMathTests {
    /// The eight-lane exp agrees with libm to a few ulp over the range that matters, and saturates cleanly.
    @Test func exp8MatchesLibm() {
        var worst: Double = 0
        var x: Float = -87
        while x < 88 {
            let lanes = SIMD8<Float>((0..<8).map { x + Float($0) * 0.0137 })
            let got = exp8(lanes)
            for i in 0..<8 {
                let want = Foundation.exp(Double(lanes[i]))
                worst = max(worst, abs(Double(got[i]) - want) / want)
            }
            x += 0.173
        }
        #expect(worst < 4e-7)
        #expect(exp8(SIMD8(repeating: -1000))[0] < 1e-37)
        #expect(exp8(SIMD8(repeating: 1000))[0].isFinite)
    }

    /// The Float GELU path (eight lanes and the scalar tail) matches the Double definition.
    @Test func floatGeluMatchesDouble() {
        let n = 203
        let inputs = (0..<n).map { Float($0 - 101) * 0.07 }
        var out = [Float](repeating: 0, count: n), slope = out, plain = out
        GELU.forward(&out, inputs, N: n, slope: &slope)
        GELU.forward(&plain, inputs, N: n)
        // In place (out = inp), as the model runs it: the same values and slopes, the scalar tail included.
        var inPlace = inputs, inPlaceSlope = out
        inPlace.withUnsafeMutableBufferPointer { x in GELU.forward(x.baseAddress!, x.baseAddress!, N: n, slope: &inPlaceSlope) }
        #expect(inPlace == out && inPlaceSlope == slope)
        for i in 0..<n {
            let x = Double(inputs[i])
            #expect(abs(Double(out[i]) - GELU.value(x)) < 1e-5)
            #expect(abs(Double(slope[i]) - GELU.derivative(x)) < 1e-5)
            #expect(plain[i] == out[i])
        }
    }

    /// The eight-lane maximum finds the largest element wherever it sits, the tail included.
    @Test func maximumFindsTheLargest() {
        for n in [1, 7, 8, 9, 23] {
            for position in 0..<n {
                var xs = (0..<n).map { -Float($0 % 5) - 1 }
                xs[position] = 3
                #expect(FastMath.maximum(xs, count: n) == 3)
            }
        }
        #expect(FastMath.maximum([-Float.infinity, -5, -2], count: 3) == -2)
    }

    /// The Float AdamW update (eight lanes and a tail) takes the step AdamW's definition gives, computed
    /// here one parameter at a time in Double: clipping by the global norm, moments, bias correction, decay.
    @Test func floatAdamWMatchesItsDefinition() {
        let config = GPTConfig(vocabSize: 5, maxSeqLen: 3, layers: 1, heads: 1, channels: 4)
        let model = GPT<Float>(config: config, seed: 3)
        let n = model.params.count
        #expect(n % 8 != 0)   // the tail is exercised
        let gradients = (0..<n).map { sin(Double($0)) * 0.3 }
        for i in 0..<n { model.grads[i] = Float(gradients[i]) }
        let optimizer = AdamW(learningRate: 0.01, weightDecay: 0.1, maxGradNorm: 1)
        var params = (0..<n).map { Double(model.params[$0]) }
        var m = [Double](repeating: 0, count: n), v = m
        let norm = gradients.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let scale = norm > optimizer.maxGradNorm ? optimizer.maxGradNorm / norm : 1
        for t in 1...3 {
            #expect(abs(model.update(optimizer) - norm) < 1e-5 * norm)
            let c1 = 1 - pow(optimizer.beta1, Double(t)), c2 = 1 - pow(optimizer.beta2, Double(t))
            for i in 0..<n {
                let g = gradients[i] * scale
                m[i] = optimizer.beta1 * m[i] + (1 - optimizer.beta1) * g
                v[i] = optimizer.beta2 * v[i] + (1 - optimizer.beta2) * g * g
                params[i] -= optimizer.learningRate * ((m[i] / c1) / ((v[i] / c2).squareRoot() + optimizer.epsilon)
                                                       + optimizer.weightDecay * params[i])
            }
        }
        for i in 0..<n { #expect(abs(Double(model.params[i]) - params[i]) < 1e-5) }
    }

    /// Every tail length (n mod 8, taken through one eight-lane exp): the right values and sum, nothing written
    /// past the n numbers.
    @Test func expShiftedSumsTheExponentials() {
        for n in 1...17 {
            var xs: [Float] = (0..<n).map { Float($0) * 0.5 } + [42, 43, 44]
            let sum = FastMath.expShifted(&xs, count: n, shift: 6)
            let want = (0..<n).map { Foundation.exp(Double($0) * 0.5 - 6) }
            for i in 0..<n { #expect(abs(Double(xs[i]) - want[i]) < 1e-6 * max(1, want[i]), "n=\(n) i=\(i)") }
            #expect(abs(Double(sum) - want.reduce(0, +)) < 1e-5 * max(1, want.reduce(0, +)), "n=\(n)")
            #expect(Array(xs[n...]) == [42, 43, 44], "n=\(n)")
        }
    }
}
