import Store

/// One example's training accuracy over a run: the object every selection score is computed from.
public typealias AccuracyHistory = StoredHistory

extension StoredHistory {
    /// The accuracy at each epoch.
    public var accuracies: [Double] { points.map(\.accuracy) }

    /// Mean accuracy over the history (0 for an empty one).
    public var meanAccuracy: Double {
        points.isEmpty ? 0 : accuracies.reduce(0, +) / Double(points.count)
    }

    /// True when every epoch was solved by no response, or by every response (DAPO drops these).
    public var isConstant: Bool {
        points.allSatisfy { $0.correct == 0 } || points.allSatisfy { $0.correct == $0.sampled }
    }

    /// The population standard deviation of the accuracies, computed the way NumPy's `np.std` computes
    /// it: the mean by pairwise summation, divided by n, then the squared deviations summed pairwise,
    /// divided by n, square root. Same operations in the same order give the same bits, so rankings equal
    /// the paper's `data_selection.py` exactly, its ties included (π14 and π15 tie; 104 histories tie at 0).
    /// Two histories whose variances are equal as fractions can still differ in the last bit here, as
    /// they do in NumPy, and are then ordered by that bit, as the paper's script orders them.
    public var standardDeviation: Double {
        let values = accuracies
        guard !values.isEmpty else { return 0 }
        let n = Double(values.count)
        let mean = NumPySum.pairwise(values) / n
        let squares = values.map { ($0 - mean) * ($0 - mean) }
        return (NumPySum.pairwise(squares) / n).squareRoot()
    }
}

/// NumPy's summation of float64 arrays (`pairwise_sum` in its loops): plain below 8 values, eight
/// running sums up to 128, halves (cut at a multiple of 8) above.
enum NumPySum {
    static func pairwise(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { pairwise($0[...]) }
    }

    private static func pairwise(_ a: Slice<UnsafeBufferPointer<Double>>) -> Double {
        let n = a.count
        let start = a.startIndex
        if n < 8 {
            var sum = 0.0
            for x in a { sum += x }
            return sum
        }
        if n <= 128 {
            var r = (0..<8).map { a[start + $0] }
            var i = 8
            while i < n - n % 8 {
                for j in 0..<8 { r[j] += a[start + i + j] }
                i += 8
            }
            var sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                sum += a[start + i]
                i += 1
            }
            return sum
        }
        var half = n / 2
        half -= half % 8
        return pairwise(a[start..<(start + half)]) + pairwise(a[(start + half)...])
    }
}
