/// A point on the worker's monotonic clock: the time since its loop started. `WorkerSession`
/// never reads a clock; the loop passes `WorkerInstant(sinceStart: ContinuousClock.now - start)`
/// and tests drive time by hand.
struct WorkerInstant: InstantProtocol, CustomStringConvertible {
    typealias Duration = Swift.Duration

    /// Time since the clock's start.
    var sinceStart: Duration

    init(sinceStart: Duration) { self.sinceStart = sinceStart }

    static let zero = WorkerInstant(sinceStart: .zero)

    func advanced(by duration: Duration) -> WorkerInstant { WorkerInstant(sinceStart: sinceStart + duration) }

    func duration(to other: WorkerInstant) -> Duration { other.sinceStart - sinceStart }

    static func < (a: WorkerInstant, b: WorkerInstant) -> Bool { a.sinceStart < b.sinceStart }

    static func + (instant: WorkerInstant, duration: Duration) -> WorkerInstant { instant.advanced(by: duration) }

    /// The time from `earlier` to `later` (negative if `earlier` is later).
    static func - (later: WorkerInstant, earlier: WorkerInstant) -> Duration { earlier.duration(to: later) }

    var description: String { "\(sinceStart)" }
}
