/// Reductions over buffers on eight lanes at a time, the tail one element at a time.
///
/// Swift keeps a floating-point sum in source order, so a plain loop such as `s += x[i]` never becomes
/// vector code; these keep eight partial sums instead. With `-target-cpu haswell` a `SIMD8<Float>` is one
/// AVX register. The result differs from the sequential sum only by rounding.
enum Lanes {
    @inline(__always) static func load<T: Scalar>(_ p: UnsafePointer<T>, _ i: Int) -> SIMD8<T> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<T>.self)
    }

    @inline(__always) static func store<T: Scalar>(_ x: SIMD8<T>, _ p: UnsafeMutablePointer<T>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: x, as: SIMD8<T>.self)
    }

    /// Σ x[i] over n elements.
    @inline(__always) static func sum<T: Scalar>(_ x: UnsafePointer<T>, count n: Int) -> T {
        var acc = SIMD8<T>(), i = 0
        while i + 8 <= n { acc += load(x, i); i += 8 }
        var s = acc.sum()
        while i < n { s += x[i]; i += 1 }
        return s
    }

    /// Σ x[i]·y[i] over n elements.
    @inline(__always) static func dot<T: Scalar>(_ x: UnsafePointer<T>, _ y: UnsafePointer<T>, count n: Int) -> T {
        var acc = SIMD8<T>(), i = 0
        while i + 8 <= n { acc += load(x, i) * load(y, i); i += 8 }
        var s = acc.sum()
        while i < n { s += x[i] * y[i]; i += 1 }
        return s
    }

    /// Σ (x[i] − m)² over n elements.
    @inline(__always) static func squaredDeviation<T: Scalar>(_ x: UnsafePointer<T>, from m: T, count n: Int) -> T {
        var acc = SIMD8<T>(), i = 0
        let mean = SIMD8<T>(repeating: m)
        while i + 8 <= n { let d = load(x, i) - mean; acc += d * d; i += 8 }
        var s = acc.sum()
        while i < n { let d = x[i] - m; s += d * d; i += 1 }
        return s
    }
}
