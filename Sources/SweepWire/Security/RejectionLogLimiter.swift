/// Decides which refused connection attempts get a log line, so a peer retrying with a bad key
/// every second (ZeroMQ reconnects by itself) cannot flood the log.
///
/// At most `burst` lines per `window`; the first line of the next window reports how many were
/// left out. Pure value with an injected clock reading, so it is tested without waiting.
struct RejectionLogLimiter: Sendable {
    let burst: Int
    let window: Duration
    private var windowStart: ContinuousClock.Instant?
    private var loggedInWindow = 0
    private var suppressed = 0

    init(burst: Int = 10, window: Duration = .seconds(60)) {
        self.burst = max(1, burst)
        self.window = window
    }

    /// Whether to log a rejection seen at `now`, and how many earlier ones went unlogged since
    /// the last logged line (report them with it).
    mutating func shouldLog(at now: ContinuousClock.Instant) -> (log: Bool, suppressedBefore: Int) {
        if let start = windowStart, now - start < window {
            guard loggedInWindow < burst else {
                suppressed += 1
                return (false, 0)
            }
        } else {
            windowStart = now
            loggedInWindow = 0
        }
        loggedInWindow += 1
        let left = suppressed
        suppressed = 0
        return (true, left)
    }
}
