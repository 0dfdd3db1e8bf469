/// e^x on eight Floats at once (Cephes' expf: x = n·ln2 + r, a degree-6 polynomial for e^r, 2^n built in the
/// exponent bits), within 2 ulp over the whole range; libm's expf runs one lane at a time.
/// Needs `-target-cpu haswell` (or later) to become AVX code.
@inline(__always) func exp8(_ input: SIMD8<Float>) -> SIMD8<Float> {
    var x = input
    x.replace(with: SIMD8(repeating: -87.33), where: x .< -87.33)
    x.replace(with: SIMD8(repeating: 88.3), where: x .> 88.3)
    // n = round(x / ln2) by the 1.5·2²³ trick: the sum's low mantissa bits hold n. Every step below is a fused
    // multiply-add (`addingProduct`, one vfmadd each): Swift never fuses a written a·b + c on its own.
    let shifter = SIMD8<Float>(repeating: 12_582_912)
    let shifted = shifter.addingProduct(x, 1.442_695_04)
    let n = shifted - shifter
    let r = x.addingProduct(n, -0.693_359_375).addingProduct(n, 2.121_944_4e-4)
    var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
    p = SIMD8(repeating: 1.398_199_95e-3).addingProduct(p, r)
    p = SIMD8(repeating: 8.333_451_9e-3).addingProduct(p, r)
    p = SIMD8(repeating: 4.166_579_59e-2).addingProduct(p, r)
    p = SIMD8(repeating: 1.666_666_55e-1).addingProduct(p, r)
    p = SIMD8(repeating: 5.000_000_12e-1).addingProduct(p, r)
    let er = (r + 1).addingProduct(p, r * r)
    let bits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(shifter, to: SIMD8<Int32>.self)
    let scale = unsafeBitCast((bits &+ 127) &<< 23, to: SIMD8<Float>.self)
    return er * scale
}

/// Helpers that run Float buffers through ``exp8(_:)``.
enum FastMath {
    /// √(2/π) and GELU's cubic coefficient, as literals so hot loops read no global.
    static var k: Float { 0.797_884_56 }
    static var c: Float { 0.044715 }

    /// tanh(k·(x + c·x³)), GELU's inner term, as 1 − 2/(e^{2u}+1).
    @inline(__always) static func geluTanh(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let u = (2 * k * x) * SIMD8(repeating: 1).addingProduct(x * x, c)
        return 1 - 2 / (exp8(u) + 1)
    }

    /// GELU (tanh form) of n Floats; with `slope`, also its derivative there. `out` may be `inp`.
    static func gelu(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, count n: Int, slope: UnsafeMutablePointer<Float>?) {
        var i = 0
        while i + 8 <= n {
            let x = Lanes.load(inp, i)
            let th = geluTanh(x), half = x * 0.5
            Lanes.store(half * (1 + th), out, i)
            if let slope {
                let rise = (1 - th * th) * k * SIMD8(repeating: 1).addingProduct(x * x, 3 * c)
                Lanes.store(((1 + th) * 0.5).addingProduct(half, rise), slope, i)
            }
            i += 8
        }
        while i < n {
            let x = inp[i]   // read first: out may be inp
            out[i] = GELU.value(x)
            slope?[i] = GELU.derivative(x)
            i += 1
        }
    }
}

extension FastMath {
    /// The largest of n ≥ 1 Floats. Concrete on purpose: the same lane-wise `replace(with:where:)` in code
    /// generic over the scalar became a lane-by-lane loop through memory, not one `vmaxps`.
    static func maximum(_ x: UnsafePointer<Float>, count n: Int) -> Float {
        var best = SIMD8<Float>(repeating: -.infinity), i = 0
        while i + 8 <= n {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            best.replace(with: v, where: v .> best)
            i += 8
        }
        var m = best[0]   // not best.max(): that generic reduction was a call per row, 2% of attention
        for lane in 1..<8 { m = Swift.max(m, best[lane]) }
        while i < n { m = Swift.max(m, x[i]); i += 1 }
        return m
    }

    /// x[i] = e^(x[i] − shift) over n Floats; returns their sum.
    static func expShifted(_ x: UnsafeMutablePointer<Float>, count n: Int, shift: Float) -> Float {
        var i = 0
        var acc = SIMD8<Float>()
        let s = SIMD8<Float>(repeating: shift)
        while i + 8 <= n {
            let e = exp8(UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) - s)
            UnsafeMutableRawPointer(x + i).storeBytes(of: e, as: SIMD8<Float>.self)
            acc += e
            i += 8
        }
        var sum = acc.sum()
        if i < n {
            // The last n − i < 8 numbers through one exp8 (seven calls for one lane each cost attention's softmax
            // a third more exps: a causal row's length is rarely a multiple of eight), summed one by one as before.
            var tail = SIMD8<Float>()
            for j in 0..<(n - i) { tail[j] = x[i + j] - shift }
            let e = exp8(tail)
            for j in 0..<(n - i) { x[i + j] = e[j]; sum += e[j] }
        }
        return sum
    }
}
