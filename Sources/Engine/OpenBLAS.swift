import CBLAS
import Foundation

/// OpenBLAS, opened the first time the engine multiplies matrices rather than linked into the executable.
///
/// A linked OpenBLAS starts one thread per core as the process starts, and those threads spin for about
/// 0.1 s waiting for work: on a 2-core machine every command (an import, a grading worker under verl) lost
/// that share of the second core, though most never multiply a matrix. Opened here, OpenBLAS starts with
/// one thread (unless `OPENBLAS_NUM_THREADS` says otherwise); ``BLASThreads/set(_:)`` adds more on demand.
/// The `CBLAS` target still provides the header: these are its functions, looked up by name.
enum OpenBLAS {
    nonisolated(unsafe) private static let library: UnsafeMutableRawPointer = {
        setenv("OPENBLAS_NUM_THREADS", "1", 0)
        for name in ["libopenblas.so.0", "libopenblas.so"] {
            if let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) { return handle }
        }
        let reason = dlerror().map { String(cString: $0) } ?? "not found"
        FileHandle.standardError.write(Data("oneshot: the built-in engine needs OpenBLAS (Debian: libopenblas0, which `make deps` installs): \(reason)\n".utf8))
        exit(70)
    }()

    private static func function<F>(_ name: String, as type: F.Type) -> F {
        guard let address = dlsym(library, name) else {
            FileHandle.standardError.write(Data("oneshot: OpenBLAS has no \(name)\n".utf8))
            exit(70)
        }
        return unsafeBitCast(address, to: type)
    }

    nonisolated(unsafe) static let sgemm = function("cblas_sgemm", as: (@convention(c) (CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, blasint, blasint, blasint, Float, UnsafePointer<Float>?, blasint, UnsafePointer<Float>?, blasint, Float, UnsafeMutablePointer<Float>?, blasint) -> Void).self)
    nonisolated(unsafe) static let dgemm = function("cblas_dgemm", as: (@convention(c) (CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, blasint, blasint, blasint, Double, UnsafePointer<Double>?, blasint, UnsafePointer<Double>?, blasint, Double, UnsafeMutablePointer<Double>?, blasint) -> Void).self)
    nonisolated(unsafe) static let sgemv = function("cblas_sgemv", as: (@convention(c) (CBLAS_ORDER, CBLAS_TRANSPOSE, blasint, blasint, Float, UnsafePointer<Float>?, blasint, UnsafePointer<Float>?, blasint, Float, UnsafeMutablePointer<Float>?, blasint) -> Void).self)
    nonisolated(unsafe) static let dgemv = function("cblas_dgemv", as: (@convention(c) (CBLAS_ORDER, CBLAS_TRANSPOSE, blasint, blasint, Double, UnsafePointer<Double>?, blasint, UnsafePointer<Double>?, blasint, Double, UnsafeMutablePointer<Double>?, blasint) -> Void).self)
    nonisolated(unsafe) static let setThreads = function("openblas_set_num_threads", as: (@convention(c) (Int32) -> Void).self)
}
