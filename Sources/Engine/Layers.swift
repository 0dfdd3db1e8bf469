import RealModule

// The transformer's layers, each forward beside its backward, on flat row-major buffers, in the manner of
// llm.c's train_gpt2.c. Shapes: B batch, T time, C channels, V vocabulary, NH heads, OC output channels.
// Backward passes ACCUMULATE into their gradient buffers (+=), so shared parameters (the tied embedding)
// and residual branches sum naturally; callers zero the gradients once per step.

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
            var m: T = 0
            for i in 0..<C { m += x[i] }
            m /= T(C)
            var v: T = 0
            for i in 0..<C { let d = x[i] - m; v += d * d }
            v /= T(C)
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
            var dnormMean: T = 0, dnormNormMean: T = 0
            for i in 0..<C {
                let norm = (x[i] - m) * s, dnorm = weight[i] * d[i]
                dnormMean += dnorm
                dnormNormMean += dnorm * norm
            }
            dnormMean /= T(C)
            dnormNormMean /= T(C)
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
    public static func forward<T: Scalar>(_ out: UnsafeMutablePointer<T>, _ inp: UnsafePointer<T>, _ weight: UnsafePointer<T>,
                                          _ bias: UnsafePointer<T>?, N: Int, C: Int, OC: Int) {
        if N == 1 {
            T.gemv(m: OC, n: C, a: weight, x: inp, y: out)
        } else {
            T.gemm(transposeA: false, transposeB: true, m: N, n: OC, k: C, alpha: 1, a: inp, lda: C, b: weight, ldb: C,
                   beta: 0, c: out, ldc: OC)
        }
        if let bias {
            for n in 0..<N { let o = out + n * OC; for j in 0..<OC { o[j] += bias[j] } }
        }
    }

    public static func backward<T: Scalar>(_ dinp: UnsafeMutablePointer<T>, _ dweight: UnsafeMutablePointer<T>, _ dbias: UnsafeMutablePointer<T>?,
                                           _ dout: UnsafePointer<T>, _ inp: UnsafePointer<T>, _ weight: UnsafePointer<T>, N: Int, C: Int, OC: Int) {
        // dinp[N,C] += dout[N,OC] · weight[OC,C];  dweight[OC,C] += dout[N,OC]ᵀ · inp[N,C]
        T.gemm(transposeA: false, transposeB: false, m: N, n: C, k: OC, alpha: 1, a: dout, lda: OC, b: weight, ldb: C,
               beta: 1, c: dinp, ldc: C)
        T.gemm(transposeA: true, transposeB: false, m: OC, n: C, k: N, alpha: 1, a: dout, lda: OC, b: inp, ldb: C,
               beta: 1, c: dweight, ldc: C)
        if let dbias {
            for n in 0..<N { let d = dout + n * OC; for j in 0..<OC { dbias[j] += d[j] } }
        }
    }
}

/// Causal multi-head self-attention over a fused qkv input [B,T,3C]; keeps the attention weights.
public enum Attention {
    /// Per batch row and head: att = softmax(scale · Q Kᵀ) under the causal mask, out = att V. Both products
    /// go through BLAS on the strided views of qkv (row stride 3C); the masked upper triangle is computed and
    /// discarded, which costs less than scalar loops over the lower one.
    public static func forward<T: Scalar>(_ out: UnsafeMutablePointer<T>, _ att: UnsafeMutablePointer<T>, _ qkv: UnsafePointer<T>,
                                          B: Int, T steps: Int, C: Int, NH: Int) {
        let hs = C / NH, scale = 1 / T.sqrt(T(hs))
        for b in 0..<B {
            for h in 0..<NH {
                let q = qkv + b * steps * 3 * C + h * hs, k = q + C, v = q + 2 * C
                let a = att + (b * NH + h) * steps * steps
                T.gemm(transposeA: false, transposeB: true, m: steps, n: steps, k: hs, alpha: scale, a: q, lda: 3 * C,
                       b: k, ldb: 3 * C, beta: 0, c: a, ldc: steps)
                for t in 0..<steps {
                    let row = a + t * steps
                    var maxValue = -T.infinity
                    for u in 0...t { maxValue = max(maxValue, row[u]) }
                    var sum: T = 0
                    if T.self == Float.self {
                        let r = UnsafeMutableRawPointer(row).assumingMemoryBound(to: Float.self)
                        sum = T(FastMath.expShifted(r, count: t + 1, shift: Float(maxValue)))
                    } else {
                        for u in 0...t { row[u] = T.exp(row[u] - maxValue); sum += row[u] }
                    }
                    let inverse = 1 / sum
                    for u in 0...t { row[u] *= inverse }
                    for u in (t + 1)..<steps { row[u] = 0 }
                }
                T.gemm(transposeA: false, transposeB: false, m: steps, n: hs, k: steps, alpha: 1, a: a, lda: steps,
                       b: v, ldb: 3 * C, beta: 0, c: out + b * steps * C + h * hs, ldc: C)
            }
        }
    }

    /// dV += attᵀ dout; datt = dout Vᵀ; dpre = att ⊙ (datt − rowsum(att ⊙ datt)) · scale; dQ += dpre K; dK += dpreᵀ Q.
    public static func backward<T: Scalar>(_ dqkv: UnsafeMutablePointer<T>, _ dout: UnsafePointer<T>, _ qkv: UnsafePointer<T>,
                                           _ att: UnsafePointer<T>, B: Int, T steps: Int, C: Int, NH: Int) {
        let hs = C / NH, scale = 1 / T.sqrt(T(hs))
        let datt = UnsafeMutablePointer<T>.allocate(capacity: steps * steps)
        defer { datt.deallocate() }
        for b in 0..<B {
            for h in 0..<NH {
                let q = qkv + b * steps * 3 * C + h * hs, k = q + C, v = q + 2 * C
                let dq = dqkv + b * steps * 3 * C + h * hs, dk = dq + C, dv = dq + 2 * C
                let a = att + (b * NH + h) * steps * steps, d = dout + b * steps * C + h * hs
                T.gemm(transposeA: true, transposeB: false, m: steps, n: hs, k: steps, alpha: 1, a: a, lda: steps,
                       b: d, ldb: C, beta: 1, c: dv, ldc: 3 * C)
                T.gemm(transposeA: false, transposeB: true, m: steps, n: steps, k: hs, alpha: 1, a: d, lda: C,
                       b: v, ldb: 3 * C, beta: 0, c: datt, ldc: steps)
                for t in 0..<steps {
                    let row = a + t * steps, drow = datt + t * steps
                    var weighted: T = 0
                    for u in 0...t { weighted += row[u] * drow[u] }
                    for u in 0...t { drow[u] = row[u] * (drow[u] - weighted) * scale }
                    for u in (t + 1)..<steps { drow[u] = 0 }
                }
                T.gemm(transposeA: false, transposeB: false, m: steps, n: hs, k: steps, alpha: 1, a: datt, lda: steps,
                       b: k, ldb: 3 * C, beta: 1, c: dq, ldc: 3 * C)
                T.gemm(transposeA: true, transposeB: false, m: steps, n: hs, k: steps, alpha: 1, a: datt, lda: steps,
                       b: q, ldb: 3 * C, beta: 1, c: dk, ldc: 3 * C)
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

    public static func backward<T: Scalar>(_ dinp: UnsafeMutablePointer<T>, _ inp: UnsafePointer<T>, _ dout: UnsafePointer<T>, N: Int) {
        if T.self == Float.self {
            return FastMath.geluBackward(UnsafeMutableRawPointer(dinp).assumingMemoryBound(to: Float.self),
                                         UnsafeRawPointer(inp).assumingMemoryBound(to: Float.self),
                                         UnsafeRawPointer(dout).assumingMemoryBound(to: Float.self), count: N)
        }
        for i in 0..<N { dinp[i] += derivative(inp[i]) * dout[i] }
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
