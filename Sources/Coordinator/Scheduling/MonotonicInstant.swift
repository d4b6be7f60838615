/// A point on the coordinator's monotonic clock, in nanoseconds since an arbitrary start, so the
/// scheduler never reads a clock itself and tests can drive time by hand.
///
/// The event loop derives it from `ContinuousClock` (`MonotonicInstant(sinceStart: clock.now - start)`);
/// wall-clock dates are the store's business, never the scheduler's.
public struct MonotonicInstant: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// The instant `elapsed` after the clock's start (negative durations clamp to the start).
    public init(sinceStart elapsed: Duration) { nanoseconds = elapsed.clampedNanoseconds }

    public static let zero = MonotonicInstant(nanoseconds: 0)

    public static func < (a: MonotonicInstant, b: MonotonicInstant) -> Bool { a.nanoseconds < b.nanoseconds }

    /// The instant `duration` later, saturating instead of overflowing.
    public static func + (instant: MonotonicInstant, duration: Duration) -> MonotonicInstant {
        let (sum, overflow) = instant.nanoseconds.addingReportingOverflow(duration.clampedNanoseconds)
        return MonotonicInstant(nanoseconds: overflow ? UInt64.max : sum)
    }

    /// The time from `earlier` to this instant, zero if `earlier` is not earlier.
    public func duration(since earlier: MonotonicInstant) -> Duration {
        guard nanoseconds > earlier.nanoseconds else { return .zero }
        let delta = nanoseconds - earlier.nanoseconds
        return .nanoseconds(Int64(clamping: delta))
    }

    /// Seconds since the clock's start, for display.
    public var seconds: Double { Double(nanoseconds) / 1e9 }

    public var description: String { "\(seconds)s" }
}

extension Duration {
    /// The duration in whole nanoseconds, negative durations as zero, huge ones as `UInt64.max`.
    var clampedNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return UInt64.max }
        let (total, overflow2) = whole.addingReportingOverflow(UInt64(max(0, attoseconds / 1_000_000_000)))
        return overflow2 ? UInt64.max : total
    }


}
