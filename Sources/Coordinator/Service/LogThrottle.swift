/// Lets at most `burst` log lines of one kind through per `window`, and says how many were held
/// back, so a peer flooding the coordinator with garbage cannot flood its log too.
struct LogThrottle {
    let burst: Int
    let window: Duration
    private var windowStart: MonotonicInstant?
    private var passed = 0
    private var suppressed = 0

    init(burst: Int = 10, window: Duration = .seconds(10)) {
        self.burst = burst
        self.window = window
    }

    /// Whether to log this occurrence; `suppressedBefore` counts the occurrences dropped in the
    /// window that just ended (worth one line of its own).
    mutating func allow(at now: MonotonicInstant) -> (log: Bool, suppressedBefore: Int) {
        var dropped = 0
        if windowStart.map({ now >= $0 + window }) ?? true {
            dropped = suppressed
            windowStart = now
            passed = 0
            suppressed = 0
        }
        guard passed < burst else {
            suppressed += 1
            return (false, dropped)
        }
        passed += 1
        return (true, dropped)
    }
}
