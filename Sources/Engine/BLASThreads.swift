import CBLAS

/// OpenBLAS's thread count. One thread is the default: on a 2-core machine a second BLAS thread
/// speeds a quiet run up but collapses (4-10x slower) as soon as anything else uses the other core.
public enum BLASThreads {
    /// Sets the number of threads OpenBLAS uses for every later call.
    public static func set(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }
}
