/// Buffers that start on a cache line (64 bytes), for the engine's matrices.
///
/// Swift's `allocate` gives a Float buffer malloc's alignment, 16 bytes. The packed weights then started 16 bytes
/// into a cache line, so every row of a ``PackedGEMM`` panel (16 Floats, 64 bytes) straddled two lines, and so
/// did every second eight-lane load or store of an activation row. On cache-line boundaries the results are the
/// same bit for bit; in three sets of alternated 3-step runs of the two builds, steps ran 0.6%, 6% and 7.5% faster
/// by the paired medians (this VM's noise between sets is about ±5%).
enum CacheAligned {
    /// Bytes in a cache line.
    static let lineSize = 64

    /// `count` uninitialised elements starting on a cache line, or on the coarser `alignment` given (a power of two:
    /// ``HugePages`` asks for 2 MiB); release with ``deallocate(_:)``.
    static func allocate<T>(_ type: T.Type = T.self, count: Int, alignment: Int = lineSize) -> UnsafeMutableBufferPointer<T> {
        precondition(alignment >= lineSize && alignment & (alignment - 1) == 0, "alignment must be a power of two of at least a line")
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count * MemoryLayout<T>.stride), alignment: alignment)
        return UnsafeMutableBufferPointer(start: raw.bindMemory(to: T.self, capacity: count), count: count)
    }

    static func deallocate<T>(_ buffer: UnsafeMutableBufferPointer<T>) {
        buffer.baseAddress.map { UnsafeMutableRawPointer($0).deallocate() }
    }

    /// `count` rounded up to whole cache lines of `T`: the offset of a sub-buffer that should start on a line.
    static func roundedUp<T>(_ count: Int, of type: T.Type = T.self) -> Int {
        let perLine = lineSize / MemoryLayout<T>.stride
        return (count + perLine - 1) / perLine * perLine
    }
}
