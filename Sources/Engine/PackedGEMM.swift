/// The engine's own matrix product C = A·B for a B laid out in advance in panels of 16 columns: the linear
/// layers' weights, packed once per step (``PackedWeights``), and each attention head's keys, queries, values
/// and output gradients, packed per head (``Attention``).
///
/// BLAS copies ("packs") both operands into such panels inside every call; for the layers' shapes here (a
/// few hundred rows of 128 or 512) that copying cost OpenBLAS a tenth of a training step, most of it for
/// weights that do not change within the step. With the weights packed once, this kernel, 6 rows × 16
/// columns held in twelve eight-lane registers over the whole inner dimension, outran `cblas_sgemm`, its own
/// packing included, on every linear layer's shape (forward and input gradient) in a side-by-side test.
enum PackedGEMM {
    /// Columns per panel: two eight-lane registers.
    static let width = 16
    /// Rows per register block: 6 × 2 accumulators plus two panel rows and a broadcast fill 15 of the 16
    /// AVX registers.
    static let rows = 6

    /// Elements of the panels of a K×N operand (N rounded up to whole panels).
    static func panelSize(K: Int, N: Int) -> Int { (N + width - 1) / width * K * width }

    /// Lays B (K×N, B(k, j) = factor · source[k·kStride + j·jStride]) out as panels [⌈N/16⌉][K][16], the
    /// columns past N zero.
    static func pack<T: Scalar>(_ source: UnsafePointer<T>, K: Int, N: Int, kStride: Int, jStride: Int, scaledBy factor: T = 1,
                                into panels: UnsafeMutablePointer<T>) {
        if jStride == 1 && factor == 1 && N % width == 0 {
            // Rows of 16 contiguous numbers: two vector copies each.
            for p in 0..<(N / width) {
                let out = panels + p * K * width, from = source + p * width
                for k in 0..<K {
                    Lanes.store(Lanes.load(from, k * kStride), out, k * width)
                    Lanes.store(Lanes.load(from, k * kStride + 8), out, k * width + 8)
                }
            }
            return
        }
        for p in 0..<((N + width - 1) / width) {
            let out = panels + p * K * width
            for j in 0..<width {
                let column = p * width + j
                if column < N {
                    let from = source + column * jStride
                    for k in 0..<K { out[k * width + j] = factor * from[k * kStride] }
                } else {
                    for k in 0..<K { out[k * width + j] = 0 }
                }
            }
        }
    }

    /// C[M×N] = A[M×K]·B, or C += A·B with `accumulate`; A and C row-major (row strides lda and ldc), B as
    /// laid out by ``pack(_:K:N:kStride:jStride:scaledBy:into:)``. A `bias` (N numbers, added to every row) and a
    /// `residual` (M×N, row stride ldc) are added as the results are stored, which spares a pass writing them
    /// into C first and the kernel's reading C back.
    static func multiply<T: Scalar>(m M: Int, n N: Int, k K: Int, a: UnsafePointer<T>, lda: Int, panels: UnsafePointer<T>,
                                    accumulate: Bool, c: UnsafeMutablePointer<T>, ldc: Int,
                                    bias: UnsafePointer<T>? = nil, residual: UnsafePointer<T>? = nil) {
        blocks(m: M, n: N, k: K, a: a, rowStride: lda, kStride: 1, panels: panels, panelStride: K * width,
               accumulate: accumulate, c: c, ldc: ldc, bias: bias, residual: residual)
    }

    /// The same over a strided A, A(i, k) = a[i·rowStride + k·kStride] (kStride 1 is a row-major A, rowStride 1 a
    /// transposed one), and panels that start `panelStride` apart, so that a product may read rows k0… of longer
    /// panels (pass panels + k0·16 and the panels' full size, K·16).
    static func multiply<T: Scalar>(m M: Int, n N: Int, k K: Int, a: UnsafePointer<T>, rowStride: Int, kStride: Int,
                                    panels: UnsafePointer<T>, panelStride: Int, accumulate: Bool, c: UnsafeMutablePointer<T>, ldc: Int) {
        // The unit stride written out, so that the row-major case compiles to the same loads as before.
        if kStride == 1 {
            blocks(m: M, n: N, k: K, a: a, rowStride: rowStride, kStride: 1, panels: panels, panelStride: panelStride,
                   accumulate: accumulate, c: c, ldc: ldc)
        } else {
            blocks(m: M, n: N, k: K, a: a, rowStride: rowStride, kStride: kStride, panels: panels, panelStride: panelStride,
                   accumulate: accumulate, c: c, ldc: ldc)
        }
    }

    @inline(__always)
    private static func blocks<T: Scalar>(m M: Int, n N: Int, k K: Int, a: UnsafePointer<T>, rowStride lda: Int, kStride: Int,
                                          panels: UnsafePointer<T>, panelStride: Int, accumulate: Bool,
                                          c: UnsafeMutablePointer<T>, ldc: Int,
                                          bias: UnsafePointer<T>? = nil, residual: UnsafePointer<T>? = nil) {
        // Few rows (a sampling step) take B's panels in the outer loop: each panel is read once, against every row
        // block, rather than all of B again for each row block (sampling 64 rows: 3% faster, paired runs).
        let rowBlocks = (M + rows - 1) / rows, columnPanels = (N + width - 1) / width, panelsOuter = M <= 96
        for outer in 0..<(panelsOuter ? columnPanels : rowBlocks) {
            for inner in 0..<(panelsOuter ? rowBlocks : columnPanels) {
                let i0 = (panelsOuter ? inner : outer) * rows, j0 = (panelsOuter ? outer : inner) * width
                let count = min(rows, M - i0)
                // A block of fewer than six rows repeats its last row; those results are not stored.
                let r0 = a + i0 * lda, r1 = a + (i0 + min(1, count - 1)) * lda, r2 = a + (i0 + min(2, count - 1)) * lda
                let r3 = a + (i0 + min(3, count - 1)) * lda, r4 = a + (i0 + min(4, count - 1)) * lda
                let r5 = a + (i0 + min(5, count - 1)) * lda
                var c00 = SIMD8<T>(), c01 = SIMD8<T>(), c10 = SIMD8<T>(), c11 = SIMD8<T>()
                var c20 = SIMD8<T>(), c21 = SIMD8<T>(), c30 = SIMD8<T>(), c31 = SIMD8<T>()
                var c40 = SIMD8<T>(), c41 = SIMD8<T>(), c50 = SIMD8<T>(), c51 = SIMD8<T>()
                var b = panels + j0 / width * panelStride
                for kk in 0..<K {
                    let k = kk * kStride
                    let b0 = Lanes.load(b, 0), b1 = Lanes.load(b, 8)
                    var x = SIMD8<T>(repeating: r0[k]); c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
                    x = SIMD8<T>(repeating: r1[k]); c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
                    x = SIMD8<T>(repeating: r2[k]); c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
                    x = SIMD8<T>(repeating: r3[k]); c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
                    x = SIMD8<T>(repeating: r4[k]); c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
                    x = SIMD8<T>(repeating: r5[k]); c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
                    b += width
                }
                let columns = min(width, N - j0)
                @inline(__always) func store(_ r: Int, _ low: SIMD8<T>, _ high: SIMD8<T>) {
                    guard r < count else { return }
                    let at = (i0 + r) * ldc + j0, out = c + at
                    if columns == width {
                        var (low, high) = (low, high)
                        if let bias { low += Lanes.load(bias, j0); high += Lanes.load(bias, j0 + 8) }
                        if let residual { low += Lanes.load(residual, at); high += Lanes.load(residual, at + 8) }
                        Lanes.store(accumulate ? Lanes.load(out, 0) + low : low, out, 0)
                        Lanes.store(accumulate ? Lanes.load(out, 8) + high : high, out, 8)
                    } else {
                        for j in 0..<columns {
                            var v = j < 8 ? low[j] : high[j - 8]
                            if let bias { v += bias[j0 + j] }
                            if let residual { v += residual[at + j] }
                            out[j] = accumulate ? out[j] + v : v
                        }
                    }
                }
                store(0, c00, c01); store(1, c10, c11); store(2, c20, c21)
                store(3, c30, c31); store(4, c40, c41); store(5, c50, c51)
            }
        }
    }
}
