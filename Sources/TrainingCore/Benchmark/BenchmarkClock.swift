#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The clock `bench core` times with. On a loaded machine the wall clock also counts the time
/// other processes held this core, so the same binary measures 20-60% apart from one minute to the
/// next; the calling thread's CPU time counts only what this thread ran, which keeps the fraction
/// of peak and the checks' share steady (it still sees what a neighbour costs in shared caches).
public enum BenchmarkClock: String, CaseIterable, Sendable {
    /// The calling thread's CPU time: `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`.
    case threadCPU = "thread-cpu"
    /// Wall-clock time: `clock_gettime(CLOCK_MONOTONIC)`.
    case wall

    /// What `bench core` prints about this clock.
    public var description: String {
        switch self {
        case .threadCPU: "thread CPU time (CLOCK_THREAD_CPUTIME_ID)"
        case .wall: "wall clock (CLOCK_MONOTONIC)"
        }
    }

    /// Seconds on this clock from an arbitrary origin (the same origin within a thread); NaN if
    /// `clock_gettime` fails, which it does not for these two clocks on Linux or Darwin.
    public func now() -> Double {
        var time = timespec()
        let id = switch self {
        case .threadCPU: CLOCK_THREAD_CPUTIME_ID
        case .wall: CLOCK_MONOTONIC
        }
        guard clock_gettime(id, &time) == 0 else { return .nan }
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// Seconds that `body` took on this clock, and its result.
    @inline(__always)
    public func measure<T>(_ body: () -> T) -> (seconds: Double, result: T) {
        let start = now()
        let result = body()
        return (now() - start, result)
    }
}
