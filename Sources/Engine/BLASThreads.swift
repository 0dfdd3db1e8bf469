
/// OpenBLAS's thread count. The engine runs OpenBLAS on one thread: on a 2-core machine a second BLAS
/// thread speeds a quiet run up but collapses (4-10x slower) as soon as anything else uses the other core,
/// and one thread keeps results bit-reproducible. Parallel work goes through ``DataParallel`` instead.
public enum BLASThreads {
    /// Sets the number of threads OpenBLAS uses for every later call.
    public static func set(_ count: Int) {
        OpenBLAS.setThreads(Int32(max(1, count)))
    }

    /// Set to one thread the first time a model is made (OpenBLAS itself starts with one per core).
    static let singleByDefault: Void = set(1)
}
