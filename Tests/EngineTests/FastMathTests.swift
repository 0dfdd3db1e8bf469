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
        var out = [Float](repeating: 0, count: n), grad = [Float](repeating: 0.5, count: n)
        let ones = [Float](repeating: 1, count: n)
        GELU.forward(&out, inputs, N: n)
        GELU.backward(&grad, inputs, ones, N: n)
        for i in 0..<n {
            let x = Double(inputs[i])
            #expect(abs(Double(out[i]) - GELU.value(x)) < 1e-5)
            #expect(abs(Double(grad[i]) - 0.5 - GELU.derivative(x)) < 1e-5)
        }
    }

    @Test func expShiftedSumsTheExponentials() {
        var xs: [Float] = (0..<13).map { Float($0) * 0.5 }
        let sum = FastMath.expShifted(&xs, count: 13, shift: 6)
        let want = (0..<13).map { Foundation.exp(Double($0) * 0.5 - 6) }
        for i in 0..<13 { #expect(abs(Double(xs[i]) - want[i]) < 1e-6) }
        #expect(abs(Double(sum) - want.reduce(0, +)) < 1e-5)
    }
}
