import CBLAS
import RealModule

/// The element types the engine computes in: Float for training, Double for gradient checks.
public protocol Scalar: Real & BinaryFloatingPoint & SIMDScalar & Codable & Sendable {
    /// C = alpha · op(A) · op(B) + beta · C, row-major, through BLAS.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// y = A · x + beta · y for a row-major A [m, n]: the one-row product, where gemm would first copy all of A.
    static func gemv(m: Int, n: Int, a: UnsafePointer<Self>, x: UnsafePointer<Self>, beta: Self, y: UnsafeMutablePointer<Self>)
}

extension Float: Scalar {
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        OpenBLAS.sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    public static func gemv(m: Int, n: Int, a: UnsafePointer<Float>, x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>) {
        OpenBLAS.sgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(n), 1, a, Int32(n), x, 1, beta, y, 1)
    }
}

extension Double: Scalar {
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        OpenBLAS.dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    public static func gemv(m: Int, n: Int, a: UnsafePointer<Double>, x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>) {
        OpenBLAS.dgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(n), 1, a, Int32(n), x, 1, beta, y, 1)
    }
}
