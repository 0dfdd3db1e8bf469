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
        T.gemm(transposeA: false, transposeB: true, m: N, n: OC, k: C, alpha: 1, a: inp, lda: C, b: weight, ldb: C,
               beta: 0, c: out, ldc: OC)
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
    public static func forward<T: Scalar>(_ out: UnsafeMutablePointer<T>, _ att: UnsafeMutablePointer<T>, _ qkv: UnsafePointer<T>,
                                          B: Int, T steps: Int, C: Int, NH: Int) {
        let hs = C / NH, scale = 1 / T.sqrt(T(hs))
        for b in 0..<B {
            for h in 0..<NH {
                for t in 0..<steps {
                    let q = qkv + (b * steps + t) * 3 * C + h * hs
                    let a = att + ((b * NH + h) * steps + t) * steps
                    var maxValue = -T.infinity
                    for u in 0...t {
                        let k = qkv + (b * steps + u) * 3 * C + C + h * hs
                        var dot: T = 0
                        for i in 0..<hs { dot += q[i] * k[i] }
                        a[u] = dot * scale
                        maxValue = max(maxValue, a[u])
                    }
                    var sum: T = 0
                    for u in 0...t { a[u] = T.exp(a[u] - maxValue); sum += a[u] }
                    for u in 0...t { a[u] /= sum }
                    for u in (t + 1)..<max(t + 1, steps) { a[u] = 0 }
                    let o = out + (b * steps + t) * C + h * hs
                    for i in 0..<hs { o[i] = 0 }
                    for u in 0...t {
                        let v = qkv + (b * steps + u) * 3 * C + 2 * C + h * hs
                        for i in 0..<hs { o[i] += a[u] * v[i] }
                    }
                }
            }
        }
    }

    public static func backward<T: Scalar>(_ dqkv: UnsafeMutablePointer<T>, _ dout: UnsafePointer<T>, _ qkv: UnsafePointer<T>,
                                           _ att: UnsafePointer<T>, B: Int, T steps: Int, C: Int, NH: Int) {
        let hs = C / NH, scale = 1 / T.sqrt(T(hs))
        var datt = [T](repeating: 0, count: steps)
        for b in 0..<B {
            for h in 0..<NH {
                for t in 0..<steps {
                    let a = att + ((b * NH + h) * steps + t) * steps
                    let d = dout + (b * steps + t) * C + h * hs
                    let q = qkv + (b * steps + t) * 3 * C + h * hs
                    let dq = dqkv + (b * steps + t) * 3 * C + h * hs
                    // out = Σ_u a[u] v[u]
                    for u in 0...t {
                        let v = qkv + (b * steps + u) * 3 * C + 2 * C + h * hs
                        let dv = dqkv + (b * steps + u) * 3 * C + 2 * C + h * hs
                        var da: T = 0
                        for i in 0..<hs { da += v[i] * d[i]; dv[i] += a[u] * d[i] }
                        datt[u] = da
                    }
                    // softmax: dpre[u] = a[u] (datt[u] - Σ_w a[w] datt[w])
                    var weighted: T = 0
                    for u in 0...t { weighted += a[u] * datt[u] }
                    for u in 0...t {
                        let dpre = a[u] * (datt[u] - weighted) * scale
                        let k = qkv + (b * steps + u) * 3 * C + C + h * hs
                        let dk = dqkv + (b * steps + u) * 3 * C + C + h * hs
                        for i in 0..<hs { dq[i] += dpre * k[i]; dk[i] += dpre * q[i] }
                    }
                }
            }
        }
    }
}

/// GELU, tanh approximation (GPT-2's).
public enum GELU {
    static func constants<T: Scalar>() -> (T, T) { (T.sqrt(2 / T.pi), T(0.044715)) }

    public static func forward<T: Scalar>(_ out: UnsafeMutablePointer<T>, _ inp: UnsafePointer<T>, N: Int) {
        let (k, c) = constants() as (T, T)
        for i in 0..<N {
            let x = inp[i]
            out[i] = x / 2 * (1 + T.tanh(k * (x + c * x * x * x)))
        }
    }

    public static func backward<T: Scalar>(_ dinp: UnsafeMutablePointer<T>, _ inp: UnsafePointer<T>, _ dout: UnsafePointer<T>, N: Int) {
        let (k, c) = constants() as (T, T)
        for i in 0..<N {
            let x = inp[i], u = k * (x + c * x * x * x), th = T.tanh(u)
            let sech2 = 1 - th * th
            let local = (1 + th) / 2 + x / 2 * sech2 * k * (1 + 3 * c * x * x)
            dinp[i] += local * dout[i]
        }
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
