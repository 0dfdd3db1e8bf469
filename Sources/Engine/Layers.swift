import RealModule

// The transformer's layers, each forward beside its backward, on flat row-major buffers, in the manner of
// llm.c's train_gpt2.c. Shapes: B batch, T time, C channels, V vocabulary, NH heads, OC output channels.
// Backward passes ACCUMULATE into their gradient buffers (+=), so shared parameters (the tied embedding)
// and residual branches sum naturally; callers zero the gradients once per step. Where a caller knows it
// is the only writer of an input's gradient, `accumulate: false` writes it instead, sparing the zeroing
// and the read of a buffer that would only hold zeros.

/// Token plus position embeddings: out[b,t,:] = wte[token] + wpe[t].
public enum Encoder {
    public static func forward<T: Scalar>(_ out: UnsafeMutablePointer<T>, _ tokens: UnsafePointer<Int32>,
                                          _ wte: UnsafePointer<T>, _ wpe: UnsafePointer<T>, B: Int, T steps: Int, C: Int) {
        for b in 0..<B {
            for t in 0..<steps {
                let o = out + (b * steps + t) * C, e = wte + Int(tokens[b * steps + t]) * C, p = wpe + t * C
                for i in 0..<C { o[i] = e[i] + p[i] }
            }
        }
    }

    public static func backward<T: Scalar>(_ dwte: UnsafeMutablePointer<T>, _ dwpe: UnsafeMutablePointer<T>,
                                           _ dout: UnsafePointer<T>, _ tokens: UnsafePointer<Int32>, B: Int, T steps: Int, C: Int) {
        for b in 0..<B {
            for t in 0..<steps {
                let d = dout + (b * steps + t) * C, e = dwte + Int(tokens[b * steps + t]) * C, p = dwpe + t * C
                for i in 0..<C { e[i] += d[i]; p[i] += d[i] }
            }
        }
    }
}

/// Layer normalisation over the last dimension, with weight and bias; keeps mean and 1/std for backward.
public enum LayerNorm {
    public static let epsilon = 1e-5

    public static func forward<T: Scalar>(_ out: UnsafeMutablePointer<T>, _ mean: UnsafeMutablePointer<T>, _ rstd: UnsafeMutablePointer<T>,
                                          _ inp: UnsafePointer<T>, _ weight: UnsafePointer<T>, _ bias: UnsafePointer<T>, N: Int, C: Int) {
        for n in 0..<N {
            let x = inp + n * C, o = out + n * C
            let m = Lanes.sum(x, count: C) / T(C)
            let v = Lanes.squaredDeviation(x, from: m, count: C) / T(C)
            let s = 1 / T.sqrt(v + T(epsilon))
            for i in 0..<C { o[i] = (x[i] - m) * s * weight[i] + bias[i] }
            mean[n] = m
            rstd[n] = s
        }
    }

    public static func backward<T: Scalar>(_ dinp: UnsafeMutablePointer<T>, _ dweight: UnsafeMutablePointer<T>, _ dbias: UnsafeMutablePointer<T>,
                                           _ dout: UnsafePointer<T>, _ inp: UnsafePointer<T>, _ weight: UnsafePointer<T>,
                                           _ mean: UnsafePointer<T>, _ rstd: UnsafePointer<T>, N: Int, C: Int) {
        for n in 0..<N {
            let x = inp + n * C, d = dout + n * C, di = dinp + n * C
            let m = mean[n], s = rstd[n]
            // mean of dnorm = weight·d, and of dnorm·norm = weight·d·(x − m)·s, on eight lanes
            var sumDnorm = SIMD8<T>(), sumDnormX = SIMD8<T>(), i = 0
            while i + 8 <= C {
                let dnorm = Lanes.load(weight, i) * Lanes.load(d, i)
                sumDnorm += dnorm
                sumDnormX += dnorm * Lanes.load(x, i)
                i += 8
            }
            var dnormSum = sumDnorm.sum(), dnormXSum = sumDnormX.sum()
            while i < C { dnormSum += weight[i] * d[i]; dnormXSum += weight[i] * d[i] * x[i]; i += 1 }
            let dnormMean = dnormSum / T(C), dnormNormMean = (dnormXSum - m * dnormSum) * s / T(C)
            for i in 0..<C {
                let norm = (x[i] - m) * s, dnorm = weight[i] * d[i]
                dbias[i] += d[i]
                dweight[i] += norm * d[i]
                di[i] += (dnorm - dnormMean - norm * dnormNormMean) * s
            }
        }
    }
}

/// A fully connected layer: out[N,OC] = inp[N,C] · weight[OC,C]ᵀ + bias[OC], through BLAS.
public enum Linear {
    /// With `residual` ([N,OC], which may be `out` itself) the layer also adds it: out = residual + inp·Wᵀ + bias,
    /// a residual connection without a pass of its own. Bias and residual are written first and BLAS adds the
    /// product onto them, which also spares BLAS's pass zeroing `out`.
    /// With `panels` (the weight packed for the forward product, ``PackedWeights``) the product runs on
    /// ``PackedGEMM`` instead of BLAS.
    public static func forward<T: Scalar>(_ out: UnsafeMutablePointer<T>, _ inp: UnsafePointer<T>, _ weight: UnsafePointer<T>,
                                          _ bias: UnsafePointer<T>?, residual: UnsafePointer<T>? = nil, N: Int, C: Int, OC: Int,
                                          panels: UnsafePointer<T>? = nil) {
        switch (bias, residual) {
        case let (bias?, residual?):
            for n in 0..<N { let o = out + n * OC, r = residual + n * OC; for j in 0..<OC { o[j] = r[j] + bias[j] } }
        case let (bias?, nil):
            for n in 0..<N { (out + n * OC).update(from: bias, count: OC) }
        case let (nil, residual?):
            if residual != UnsafePointer(out) { out.update(from: residual, count: N * OC) }
        case (nil, nil):
            break
        }
        let beta: T = bias == nil && residual == nil ? 0 : 1
        if let panels, N >= PackedGEMM.rows {
            PackedGEMM.multiply(m: N, n: OC, k: C, a: inp, lda: C, panels: panels, accumulate: beta == 1, c: out, ldc: OC)
        } else if N == 1 {
            T.gemv(m: OC, n: C, a: weight, x: inp, beta: beta, y: out)
        } else {
            T.gemm(transposeA: false, transposeB: true, m: N, n: OC, k: C, alpha: 1, a: inp, lda: C, b: weight, ldb: C,
                   beta: beta, c: out, ldc: OC)
        }
    }

    public static func backward<T: Scalar>(_ dinp: UnsafeMutablePointer<T>, _ dweight: UnsafeMutablePointer<T>, _ dbias: UnsafeMutablePointer<T>?,
                                           _ dout: UnsafePointer<T>, _ inp: UnsafePointer<T>, _ weight: UnsafePointer<T>, N: Int, C: Int, OC: Int,
                                           accumulate: Bool = true, panels: UnsafePointer<T>? = nil) {
        // dinp[N,C] += dout[N,OC] · weight[OC,C] (= without accumulate);  dweight[OC,C] += dout[N,OC]ᵀ · inp[N,C]
        // With `panels` (the weight packed for this product) the first runs on PackedGEMM.
        if let panels, N >= PackedGEMM.rows {
            PackedGEMM.multiply(m: N, n: C, k: OC, a: dout, lda: OC, panels: panels, accumulate: accumulate, c: dinp, ldc: C)
        } else {
            T.gemm(transposeA: false, transposeB: false, m: N, n: C, k: OC, alpha: 1, a: dout, lda: OC, b: weight, ldb: C,
                   beta: accumulate ? 1 : 0, c: dinp, ldc: C)
        }
        T.gemm(transposeA: true, transposeB: false, m: OC, n: C, k: N, alpha: 1, a: dout, lda: OC, b: inp, ldb: C,
               beta: 1, c: dweight, ldc: C)
        if let dbias {
            for n in 0..<N { let d = dout + n * OC; for j in 0..<OC { dbias[j] += d[j] } }
        }
    }
}

/// Causal multi-head self-attention over a fused qkv input [B,T,3C]; keeps the attention weights.
///
/// Per batch row and head, every product goes through BLAS on strided views of qkv (row stride 3C), one
/// block of `block` query rows at a time against the keys up to the block's last row: the products cover
/// the lower triangle of the T×T scores plus the diagonal blocks' upper corners, not the whole square.
public enum Attention {
    /// Query rows per product. For T = 128 and head size 32, 64 measured fastest: one block (128) computes the
    /// whole masked half, and with 32 BLAS spent more time packing the keys again for each block than it saved.
    public static let block = 64

    /// The query blocks of a T-step sequence: their first row, their row count and the keys they see.
    static func blocks(_ steps: Int) -> [(start: Int, rows: Int, keys: Int)] {
        stride(from: 0, to: steps, by: block).map { start in
            let rows = min(block, steps - start)
            return (start, rows, start + rows)
        }
    }

    /// att = softmax(scale · Q Kᵀ) under the causal mask (zero above the diagonal), out = att V.
    public static func forward<T: Scalar>(_ out: UnsafeMutablePointer<T>, _ att: UnsafeMutablePointer<T>, _ qkv: UnsafePointer<T>,
                                          B: Int, T steps: Int, C: Int, NH: Int) {
        let hs = C / NH, scale = 1 / T.sqrt(T(hs)), blocks = blocks(steps)
        for b in 0..<B {
            for h in 0..<NH {
                let q = qkv + b * steps * 3 * C + h * hs, k = q + C, v = q + 2 * C
                let a = att + (b * NH + h) * steps * steps, o = out + b * steps * C + h * hs
                for (start, rows, keys) in blocks {
                    T.gemm(transposeA: false, transposeB: true, m: rows, n: keys, k: hs, alpha: scale, a: q + start * 3 * C, lda: 3 * C,
                           b: k, ldb: 3 * C, beta: 0, c: a + start * steps, ldc: steps)
                }
                for t in 0..<steps {
                    let row = a + t * steps
                    var sum: T = 0
                    if T.self == Float.self {
                        let r = UnsafeMutableRawPointer(row).assumingMemoryBound(to: Float.self)
                        sum = T(FastMath.expShifted(r, count: t + 1, shift: FastMath.maximum(r, count: t + 1)))
                    } else {
                        var maxValue = -T.infinity
                        for u in 0...t { maxValue = max(maxValue, row[u]) }
                        for u in 0...t { row[u] = T.exp(row[u] - maxValue); sum += row[u] }
                    }
                    let inverse = 1 / sum
                    for u in 0...t { row[u] *= inverse }
                    for u in (t + 1)..<steps { row[u] = 0 }
                }
                for (start, rows, keys) in blocks {
                    T.gemm(transposeA: false, transposeB: false, m: rows, n: hs, k: keys, alpha: 1, a: a + start * steps, lda: steps,
                           b: v, ldb: 3 * C, beta: 0, c: o + start * C, ldc: C)
                }
            }
        }
    }

    /// dV += attᵀ dout; datt = dout Vᵀ; dpre = att ⊙ (datt − rowsum(att ⊙ datt)) · scale; dQ += dpre K; dK += dpreᵀ Q.
    public static func backward<T: Scalar>(_ dqkv: UnsafeMutablePointer<T>, _ dout: UnsafePointer<T>, _ qkv: UnsafePointer<T>,
                                           _ att: UnsafePointer<T>, B: Int, T steps: Int, C: Int, NH: Int) {
        let hs = C / NH, scale = 1 / T.sqrt(T(hs)), blocks = blocks(steps)
        let datt = UnsafeMutablePointer<T>.allocate(capacity: steps * steps)
        defer { datt.deallocate() }
        for b in 0..<B {
            for h in 0..<NH {
                let q = qkv + b * steps * 3 * C + h * hs, k = q + C, v = q + 2 * C
                let dq = dqkv + b * steps * 3 * C + h * hs, dk = dq + C, dv = dq + 2 * C
                let a = att + (b * NH + h) * steps * steps, d = dout + b * steps * C + h * hs
                for (start, rows, keys) in blocks {
                    T.gemm(transposeA: true, transposeB: false, m: keys, n: hs, k: rows, alpha: 1, a: a + start * steps, lda: steps,
                           b: d + start * C, ldb: C, beta: 1, c: dv, ldc: 3 * C)
                    T.gemm(transposeA: false, transposeB: true, m: rows, n: keys, k: hs, alpha: 1, a: d + start * C, lda: C,
                           b: v, ldb: 3 * C, beta: 0, c: datt + start * steps, ldc: steps)
                }
                for t in 0..<steps {
                    let row = a + t * steps, drow = datt + t * steps
                    let weighted = Lanes.dot(row, drow, count: t + 1)
                    for u in 0...t { drow[u] = row[u] * (drow[u] - weighted) * scale }
                    for u in (t + 1)..<steps { drow[u] = 0 }
                }
                for (start, rows, keys) in blocks {
                    T.gemm(transposeA: false, transposeB: false, m: rows, n: hs, k: keys, alpha: 1, a: datt + start * steps, lda: steps,
                           b: k, ldb: 3 * C, beta: 1, c: dq + start * 3 * C, ldc: 3 * C)
                    T.gemm(transposeA: true, transposeB: false, m: keys, n: hs, k: rows, alpha: 1, a: datt + start * steps, lda: steps,
                           b: q + start * 3 * C, ldb: 3 * C, beta: 1, c: dk, ldc: 3 * C)
                }
            }
        }
    }
}

/// GELU, tanh approximation (GPT-2's). Float buffers take the eight-lane path of ``FastMath``.
public enum GELU {
    static func constants<T: Scalar>() -> (T, T) { (T.sqrt(2 / T.pi), T(0.044715)) }

    /// tanh(u) as 1 − 2/(e^{2u} + 1): one exp instead of libm's slower tanh; exact at ±∞.
    @inline(__always) static func tanh<T: Scalar>(_ u: T) -> T { 1 - 2 / (T.exp(2 * u) + 1) }

    @inline(__always) static func value<T: Scalar>(_ x: T) -> T {
        let (k, c) = constants() as (T, T)
        return x / 2 * (1 + tanh(k * (x + c * x * x * x)))
    }

    @inline(__always) static func derivative<T: Scalar>(_ x: T) -> T {
        let (k, c) = constants() as (T, T)
        let th = tanh(k * (x + c * x * x * x))
        return (1 + th) / 2 + x / 2 * (1 - th * th) * k * (1 + 3 * c * x * x)
    }

    public static func forward<T: Scalar>(_ out: UnsafeMutablePointer<T>, _ inp: UnsafePointer<T>, N: Int) {
        if T.self == Float.self {
            return FastMath.gelu(UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self),
                                 UnsafeRawPointer(inp).assumingMemoryBound(to: Float.self), count: N)
        }
        for i in 0..<N { out[i] = value(inp[i]) }
    }

    public static func backward<T: Scalar>(_ dinp: UnsafeMutablePointer<T>, _ inp: UnsafePointer<T>, _ dout: UnsafePointer<T>, N: Int,
                                           accumulate: Bool = true) {
        if T.self == Float.self {
            return FastMath.geluBackward(UnsafeMutableRawPointer(dinp).assumingMemoryBound(to: Float.self),
                                         UnsafeRawPointer(inp).assumingMemoryBound(to: Float.self),
                                         UnsafeRawPointer(dout).assumingMemoryBound(to: Float.self), count: N, accumulate: accumulate)
        }
        for i in 0..<N { dinp[i] = (accumulate ? dinp[i] : 0) + derivative(inp[i]) * dout[i] }
    }
}

/// Softmax over the vocabulary and the cross-entropy of the targets; backward of their mean.
public enum SoftmaxCrossEntropy {
    /// probs[N,V] = softmax(logits); losses[n] = -log probs[n, target[n]] (targets < 0 are ignored: loss 0).
    public static func forward<T: Scalar>(_ probs: UnsafeMutablePointer<T>, _ losses: UnsafeMutablePointer<T>, _ logits: UnsafePointer<T>,
                                          _ targets: UnsafePointer<Int32>, N: Int, V: Int) {
        for n in 0..<N {
            let l = logits + n * V, p = probs + n * V
            var maxValue = -T.infinity
            for v in 0..<V { maxValue = max(maxValue, l[v]) }
            var sum: T = 0
            for v in 0..<V { p[v] = T.exp(l[v] - maxValue); sum += p[v] }
            for v in 0..<V { p[v] /= sum }
            let target = Int(targets[n])
            losses[n] = target >= 0 ? -T.log(max(p[target], T.leastNormalMagnitude)) : 0
        }
    }

    /// dlogits[n] += dloss[n] · (probs[n] − onehot(target[n])).
    public static func backward<T: Scalar>(_ dlogits: UnsafeMutablePointer<T>, _ dlosses: UnsafePointer<T>, _ probs: UnsafePointer<T>,
                                           _ targets: UnsafePointer<Int32>, N: Int, V: Int) {
        for n in 0..<N {
            let target = Int(targets[n])
            guard target >= 0 else { continue }
            let p = probs + n * V, d = dlogits + n * V
            for v in 0..<V { d[v] += dlosses[n] * (p[v] - (v == target ? 1 : 0)) }
        }
    }
}
