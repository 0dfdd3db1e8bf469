import Glibc

/// Large buffers on 2 MiB pages where the kernel allows it (transparent huge pages in "madvise" mode, the
/// Debian default, go only to memory that asks with `madvise(MADV_HUGEPAGE)`).
///
/// The sampler's KV cache (32 MiB for 64 rows) is read at every step in thousands of short runs, one per row,
/// layer and head, each on its own 4 KiB pages. On 2 MiB pages sampling ran faster in two sets of alternated
/// pairs (paired medians +4% over 10, +5-8% over 6) and no faster in a third (5 pairs). Training's activations
/// showed no difference, so they stay on ordinary pages.
enum HugePages {
    static let size = 2 << 20

    /// `count` elements, aligned to a huge page and advised to use them; release with ``deallocate(_:)``.
    static func allocate<T>(_ type: T.Type = T.self, count: Int) -> UnsafeMutableBufferPointer<T> {
        let buffer = CacheAligned.allocate(T.self, count: count, alignment: size)
        let bytes = max(1, count * MemoryLayout<T>.stride)
        _ = madvise(buffer.baseAddress, (bytes + size - 1) / size * size, MADV_HUGEPAGE)   // advice only: 4 KiB pages if refused
        return buffer
    }

    static func deallocate<T>(_ buffer: UnsafeMutableBufferPointer<T>) { CacheAligned.deallocate(buffer) }
}
