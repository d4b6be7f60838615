#if canImport(Glibc)
import Glibc
#endif

/// Float buffers for the training core, 64-byte aligned; large ones on 2 MiB boundaries with a
/// hint (`madvise(MADV_HUGEPAGE)`) that Linux may back them with transparent huge pages.
///
/// Why: the points are feature-major, so a kernel that walks a point's D coordinates steps
/// `paddedN` floats at a time. At N = 20,000 and D = 1024 that is 80 MB in rows 80 KB apart,
/// one 4 KiB page per row: every row of a strip costs a TLB miss. With 2 MiB pages the step went
/// from 50-53% to 59-61% of peak there (README "Speed and CPU flags"). Small buffers (a default
/// run's are ~50 KB) stay as they were: rounding them up to 2 MiB would only cost memory.
///
/// The hint changes where memory comes from, never a value, so results are the same bits. Where
/// the kernel ignores it (THP `never`) or has no such call (not Linux), nothing changes.
enum HugePageAllocation {
    /// Buffers of at least this many bytes are aligned to, and advised for, huge pages.
    static let threshold = 4 << 20

    static let hugePage = 2 << 20

    /// `count` floats (at least 16), uninitialised; free with `deallocate()`.
    static func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        let wanted = Swift.max(count, 16) * MemoryLayout<Float>.stride
        guard wanted >= threshold else {
            return UnsafeMutableRawPointer.allocate(byteCount: wanted, alignment: 64)
                .bindMemory(to: Float.self, capacity: Swift.max(count, 16))
        }
        let bytes = (wanted + hugePage - 1) / hugePage * hugePage
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: hugePage)
        #if os(Linux)
        // A hint: its failure (an old kernel, THP compiled out) leaves ordinary pages.
        _ = madvise(raw, bytes, MADV_HUGEPAGE)
        #endif
        return raw.bindMemory(to: Float.self, capacity: bytes / MemoryLayout<Float>.stride)
    }
}
