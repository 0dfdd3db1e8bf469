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

/// A fully connected layer: out[N,OC] = inp[N,C] · weight[OC,C]ᵀ + bias[OC], on ``PackedGEMM`` when given packed
/// weights, else through BLAS (which always takes the weight gradient).
public enum Linear {
    /// With `residual` ([N,OC], which may be `out` itself) the layer also adds it: out = residual + inp·Wᵀ + bias,
    /// a residual connection without a pass of its own.
    /// With `panels` (the weight packed for the forward product, ``PackedWeights``) the product runs on
    /// ``PackedGEMM``, which adds bias and residual as it stores. BLAS instead adds the product onto bias and
    /// residual written first, which also spares it zeroing `out`.
    public static func forward<T: Scalar>(_ out: UnsafeMutablePointer<T>, _ inp: UnsafePointer<T>, _ weight: UnsafePointer<T>,
                                          _ bias: UnsafePointer<T>?, residual: UnsafePointer<T>? = nil, N: Int, C: Int, OC: Int,
                                          panels: UnsafePointer<T>? = nil) {
        let inPlace = residual == UnsafePointer(out)
        if let panels, N >= PackedGEMM.rows {
            return PackedGEMM.multiply(m: N, n: OC, k: C, a: inp, lda: C, panels: panels, accumulate: inPlace, c: out, ldc: OC,
                                       bias: bias, residual: inPlace ? nil : residual)
        }
        switch (bias, residual) {
        case let (bias?, residual?):
            for n in 0..<N { let o = out + n * OC, r = residual + n * OC; for j in 0..<OC { o[j] = r[j] + bias[j] } }
        case let (bias?, nil):
            for n in 0..<N { (out + n * OC).update(from: bias, count: OC) }
        case let (nil, residual?):
            if !inPlace { out.update(from: residual, count: N * OC) }
        case (nil, nil):
            break
        }
        let beta: T = bias == nil && residual == nil ? 0 : 1
        if N == 1 {
            T.gemv(m: OC, n: C, a: weight, x: inp, beta: beta, y: out)
        } else {
            T.gemm(transposeA: false, transposeB: true, m: N, n: OC, k: C, alpha: 1, a: inp, lda: C, b: weight, ldb: C,
                   beta: beta, c: out, ldc: OC)
        }
    }

    /// The three gradients of a linear layer: ``inputGradient(_:_:_:N:C:OC:accumulate:panels:)``,
    /// ``weightGradient(_:_:_:N:C:OC:)`` and, with `dbias`, ``biasGradient(_:_:N:OC:)``.
    public static func backward<T: Scalar>(_ dinp: UnsafeMutablePointer<T>, _ dweight: UnsafeMutablePointer<T>, _ dbias: UnsafeMutablePointer<T>?,
                                           _ dout: UnsafePointer<T>, _ inp: UnsafePointer<T>, _ weight: UnsafePointer<T>, N: Int, C: Int, OC: Int,
                                           accumulate: Bool = true, panels: UnsafePointer<T>? = nil) {
        inputGradient(dinp, dout, weight, N: N, C: C, OC: OC, accumulate: accumulate, panels: panels)
        weightGradient(dweight, dout, inp, N: N, C: C, OC: OC)
        if let dbias { biasGradient(dbias, dout, N: N, OC: OC) }
    }

    /// dinp[N,C] += dout[N,OC] · weight[OC,C] (= without `accumulate`). With `panels` (the weight packed for this
    /// product) it runs on ``PackedGEMM``, else on BLAS.
    public static func inputGradient<T: Scalar>(_ dinp: UnsafeMutablePointer<T>, _ dout: UnsafePointer<T>, _ weight: UnsafePointer<T>,
                                                N: Int, C: Int, OC: Int, accumulate: Bool = true, panels: UnsafePointer<T>? = nil) {
        if let panels, N >= PackedGEMM.rows {
            PackedGEMM.multiply(m: N, n: C, k: OC, a: dout, lda: OC, panels: panels, accumulate: accumulate, c: dinp, ldc: C)
        } else {
            T.gemm(transposeA: false, transposeB: false, m: N, n: C, k: OC, alpha: 1, a: dout, lda: OC, b: weight, ldb: C,
                   beta: accumulate ? 1 : 0, c: dinp, ldc: C)
        }
    }

    /// dweight[OC,C] += dout[N,OC]ᵀ · inp[N,C], on BLAS.
    public static func weightGradient<T: Scalar>(_ dweight: UnsafeMutablePointer<T>, _ dout: UnsafePointer<T>, _ inp: UnsafePointer<T>,
                                                 N: Int, C: Int, OC: Int) {
        T.gemm(transposeA: true, transposeB: false, m: OC, n: C, k: N, alpha: 1, a: dout, lda: OC, b: inp, ldb: C,
               beta: 1, c: dweight, ldc: C)
    }

    /// dbias[OC] += Σₙ dout[n, ·], rows in order.
    public static func biasGradient<T: Scalar>(_ dbias: UnsafeMutablePointer<T>, _ dout: UnsafePointer<T>, N: Int, OC: Int) {
        for n in 0..<N { let d = dout + n * OC; for j in 0..<OC { dbias[j] += d[j] } }
    }
}

/// Causal multi-head self-attention over a fused qkv input [B,T,3C]; keeps the attention weights.
///
/// Per batch row and head, the products run on ``PackedGEMM`` six query rows at a time, against only the keys
/// those rows see (rounded up to a whole panel of 16): about half the T×T square. Each head's operands are first
/// copied into panels (a few thousand numbers against the products' hundreds of thousands of multiplications).
/// With BLAS, whose every call packs its operands again, one layer's forward and backward took about 1.5 times
/// as long (batch 32, T = 128, head size 32). Above the diagonal, a row of the kept weights (and of their gradient)
/// is zero as far as any product reads it (``zeroedEnd(_:queryBlockEnd:steps:)``) and undefined beyond.
public enum Attention {
    /// One head's operand copied into ``PackedGEMM`` panels, K×N: T×hs (keys, queries, values or output gradients,
    /// for the products that sum over steps) or hs×T (keys or values transposed, for the score products). Read in
    /// place instead, the rows of qkv (3C apart) fell into few cache sets and missed the L1 cache.
    struct HeadPanels<T: Scalar> {
        let K: Int, N: Int
        private let panels: UnsafeMutableBufferPointer<T>

        init(K: Int, N: Int) {
            self.K = K
            self.N = N
            panels = CacheAligned.allocate(count: PackedGEMM.panelSize(K: K, N: N))
        }

        func deallocate() { CacheAligned.deallocate(panels) }

        /// Takes B(k, j) = factor · x[k·kStride + j·jStride].
        func fill(_ x: UnsafePointer<T>, kStride: Int, jStride: Int, scaledBy factor: T = 1) {
            PackedGEMM.pack(x, K: K, N: N, kStride: kStride, jStride: jStride, scaledBy: factor, into: panels.baseAddress!)
        }

        /// C[m, n] (+)= A[m, k] · B[k0 ..< k0 + k, 0 ..< n]; A(i, k) = a[i·rowStride + k·kStride].
        func times(m: Int, n: Int, k: Int, from k0: Int = 0, a: UnsafePointer<T>, rowStride: Int, kStride: Int = 1,
                   accumulate: Bool = false, c: UnsafeMutablePointer<T>, ldc: Int) {
            PackedGEMM.multiply(m: m, n: n, k: k, a: a, rowStride: rowStride, kStride: kStride, panels: panels.baseAddress! + k0 * PackedGEMM.width,
                                panelStride: K * PackedGEMM.width, accumulate: accumulate, c: c, ldc: ldc)
        }
    }

    /// The row blocks of a T-step sequence: first row, row count, and the columns a causal score product computes
    /// for them (the keys they see, rounded up to a whole panel). All blocks have six rows but one of T mod 6, which
    /// the kernel computes as a whole block: it goes first with `shortFirst`, for the products over the keys a query
    /// sees (shortest for the first rows), else last, for the key and value gradients (which sum over the queries
    /// from the block on). At T = 128 a last short block cost about 5% more multiplications in the first kind.
    static func rowBlocks(_ steps: Int, shortFirst: Bool) -> [(start: Int, rows: Int, columns: Int)] {
        let short = steps % PackedGEMM.rows, width = PackedGEMM.width
        let offset = shortFirst ? short : 0   // where the whole blocks start
        let starts = (offset > 0 ? [0] : []) + Array(stride(from: offset, to: steps, by: PackedGEMM.rows))
        return starts.map { start in
            let rows = start < offset ? offset : min(PackedGEMM.rows, steps - start)
            return (start, rows, min(steps, (start + rows + width - 1) / width * width))
        }
    }

    /// Where row t's zeros above the diagonal (of the weights and of their gradient) must reach: the end of its
    /// query block (`queryBlockEnd`: products over the keys a query sees read that far) and of the key block
    /// holding t (the key and value gradients read column blocks from their diagonal down).
    static func zeroedEnd(_ t: Int, queryBlockEnd: Int, steps: Int) -> Int {
        max(queryBlockEnd, min(steps, (t / PackedGEMM.rows + 1) * PackedGEMM.rows))
    }

    /// att = softmax(scale · Q Kᵀ) under the causal mask, out = att V.
    public static func forward<T: Scalar>(_ out: UnsafeMutablePointer<T>, _ att: UnsafeMutablePointer<T>, _ qkv: UnsafePointer<T>,
                                          B: Int, T steps: Int, C: Int, NH: Int) {
        let hs = C / NH, scale = 1 / T.sqrt(T(hs)), blocks = rowBlocks(steps, shortFirst: true)
        let keys = HeadPanels<T>(K: hs, N: steps), values = HeadPanels<T>(K: steps, N: hs)   // Kᵀ and V
        defer { keys.deallocate(); values.deallocate() }
        for b in 0..<B {
            for h in 0..<NH {
                let q = qkv + b * steps * 3 * C + h * hs, k = q + C, v = q + 2 * C
                let a = att + (b * NH + h) * steps * steps, o = out + b * steps * C + h * hs
                keys.fill(k, kStride: 1, jStride: 3 * C, scaledBy: scale)
                values.fill(v, kStride: 3 * C, jStride: 1)
                for (start, rows, columns) in blocks {
                    keys.times(m: rows, n: columns, k: hs, a: q + start * 3 * C, rowStride: 3 * C, c: a + start * steps, ldc: steps)
                    for t in start..<(start + rows) {
                        Softmax.inPlace(a + t * steps, seen: t + 1, count: zeroedEnd(t, queryBlockEnd: start + rows, steps: steps))
                    }
                    values.times(m: rows, n: hs, k: start + rows, a: a + start * steps, rowStride: steps, c: o + start * C, ldc: C)
                }
            }
        }
    }

    /// drow[0...t] = row ⊙ (drow − row·drow) · scale over the t + 1 = `seen` weights; drow[t+1..<count] = 0.
    @inline(__always) static func softmaxBackward<T: Scalar>(_ drow: UnsafeMutablePointer<T>, _ row: UnsafePointer<T>, seen: Int,
                                                             count: Int, scale: T) {
        let weighted = Lanes.dot(row, drow, count: seen)
        let w = SIMD8(repeating: weighted), s = SIMD8(repeating: scale)
        var u = 0
        while u + 8 <= seen { Lanes.store(Lanes.load(row, u) * (Lanes.load(drow, u) - w) * s, drow, u); u += 8 }
        while u < seen { drow[u] = row[u] * (drow[u] - weighted) * scale; u += 1 }
        (drow + seen).update(repeating: 0, count: count - seen)
    }

    /// dV += attᵀ dout; datt = dout Vᵀ; dpre = att ⊙ (datt − rowsum(att ⊙ datt)) · scale; dQ += dpre K; dK += dpreᵀ Q
    /// (= without `accumulate`: each row of dqkv gets exactly one product).
    public static func backward<T: Scalar>(_ dqkv: UnsafeMutablePointer<T>, _ dout: UnsafePointer<T>, _ qkv: UnsafePointer<T>,
                                           _ att: UnsafePointer<T>, B: Int, T steps: Int, C: Int, NH: Int, accumulate: Bool = true) {
        let hs = C / NH, scale = 1 / T.sqrt(T(hs))
        let queryBlocks = rowBlocks(steps, shortFirst: true), keyBlocks = rowBlocks(steps, shortFirst: false)
        let values = HeadPanels<T>(K: hs, N: steps)   // Vᵀ
        let keys = HeadPanels<T>(K: steps, N: hs), queries = HeadPanels<T>(K: steps, N: hs), gradients = HeadPanels<T>(K: steps, N: hs)
        // dpre's rows are 16 longer than T, so that reading a column of it (the key gradients' transposed product)
        // walks through all of the L1 cache's sets: T = 128 rows of 512 bytes map to only eight of them.
        let ld = steps + PackedGEMM.width
        let dpreBuffer = CacheAligned.allocate(T.self, count: steps * ld), dpre = dpreBuffer.baseAddress!
        #if DEBUG
        // NaN, so that reading an entry no product should read shows in the gradient checks (tests build in debug;
        // release builds skip this pass).
        dpre.initialize(repeating: .nan, count: steps * ld)
        #endif
        defer { keys.deallocate(); values.deallocate(); queries.deallocate(); gradients.deallocate(); CacheAligned.deallocate(dpreBuffer) }
        for b in 0..<B {
            for h in 0..<NH {
                let q = qkv + b * steps * 3 * C + h * hs, k = q + C, v = q + 2 * C
                let dq = dqkv + b * steps * 3 * C + h * hs, dk = dq + C, dv = dq + 2 * C
                let a = att + (b * NH + h) * steps * steps, d = dout + b * steps * C + h * hs
                values.fill(v, kStride: 1, jStride: 3 * C)
                keys.fill(k, kStride: 3 * C, jStride: 1)
                queries.fill(q, kStride: 3 * C, jStride: 1)
                gradients.fill(d, kStride: C, jStride: 1)
                for (start, rows, columns) in queryBlocks {
                    values.times(m: rows, n: columns, k: hs, a: d + start * C, rowStride: C, c: dpre + start * ld, ldc: ld)
                    for t in start..<(start + rows) {
                        softmaxBackward(dpre + t * ld, a + t * steps, seen: t + 1, count: zeroedEnd(t, queryBlockEnd: start + rows, steps: steps),
                                        scale: scale)
                    }
                    keys.times(m: rows, n: hs, k: start + rows, a: dpre + start * ld, rowStride: ld, accumulate: accumulate,
                               c: dq + start * 3 * C, ldc: 3 * C)
                }
                // Key u's gradients sum over the queries t ≥ u: column blocks of dpre and att, read transposed.
                for (start, rows, _) in keyBlocks {
                    let corner = start * steps + start
                    queries.times(m: rows, n: hs, k: steps - start, from: start, a: dpre + start * ld + start, rowStride: 1, kStride: ld,
                                  accumulate: accumulate, c: dk + start * 3 * C, ldc: 3 * C)
                    gradients.times(m: rows, n: hs, k: steps - start, from: start, a: a + corner, rowStride: 1, kStride: steps,
                                    accumulate: accumulate, c: dv + start * 3 * C, ldc: 3 * C)
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

    /// out = GELU(inp); with `slope`, also slope = GELU'(inp), the one thing backward needs, computed here from the
    /// same tanh (backward would otherwise evaluate it again, exp and division included). `out` may be `inp`.
    public static func forward<T: Scalar>(_ out: UnsafeMutablePointer<T>, _ inp: UnsafePointer<T>, N: Int,
                                          slope: UnsafeMutablePointer<T>? = nil) {
        if T.self == Float.self {
            return FastMath.gelu(UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self),
                                 UnsafeRawPointer(inp).assumingMemoryBound(to: Float.self), count: N,
                                 slope: slope.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Float.self) })
        }
        for i in 0..<N {
            let x = inp[i]   // read first: out may be inp
            out[i] = value(x)
            slope?[i] = derivative(x)
        }
    }

    /// dinp += slope ⊙ dout (= without `accumulate`), with the slope forward kept. `dinp` may be `dout`.
    public static func backward<T: Scalar>(_ dinp: UnsafeMutablePointer<T>, slope: UnsafePointer<T>, _ dout: UnsafePointer<T>, N: Int,
                                           accumulate: Bool = true) {
        var i = 0
        while i + 8 <= N {
            let product = Lanes.load(slope, i) * Lanes.load(dout, i)
            Lanes.store(accumulate ? Lanes.load(dinp, i) + product : product, dinp, i)
            i += 8
        }
        while i < N { dinp[i] = (accumulate ? dinp[i] : 0) + slope[i] * dout[i]; i += 1 }
    }
}

/// Softmax in place over a row's first `seen` entries, the rest of its `count` zeroed (a causal mask's row, or a
/// whole row of logits with seen = count). Float rows take the eight-lane exp of ``FastMath``.
enum Softmax {
    @inline(__always) static func inPlace<T: Scalar>(_ row: UnsafeMutablePointer<T>, seen: Int, count: Int) {
        var sum: T = 0
        if T.self == Float.self {
            let r = UnsafeMutableRawPointer(row).assumingMemoryBound(to: Float.self)
            sum = T(FastMath.expShifted(r, count: seen, shift: FastMath.maximum(r, count: seen)))
        } else {
            var maxValue = -T.infinity
            for u in 0..<seen { maxValue = max(maxValue, row[u]) }
            for u in 0..<seen { row[u] = T.exp(row[u] - maxValue); sum += row[u] }
        }
        let inverse = SIMD8(repeating: 1 / sum)
        var u = 0
        while u + 8 <= seen { Lanes.store(Lanes.load(row, u) * inverse, row, u); u += 8 }
        while u < seen { row[u] *= inverse[0]; u += 1 }
        (row + seen).update(repeating: 0, count: count - seen)
    }
}

/// Softmax over the vocabulary and the cross-entropy of the targets; backward of their mean.
public enum SoftmaxCrossEntropy {
    /// probs[N,V] = softmax(logits); losses[n] = -log probs[n, target[n]] (targets < 0 are ignored: loss 0).
    public static func forward<T: Scalar>(_ probs: UnsafeMutablePointer<T>, _ losses: UnsafeMutablePointer<T>, _ logits: UnsafePointer<T>,
                                          _ targets: UnsafePointer<Int32>, N: Int, V: Int) {
        for n in 0..<N {
            let p = probs + n * V
            p.update(from: logits + n * V, count: V)
            Softmax.inPlace(p, seen: V, count: V)
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
