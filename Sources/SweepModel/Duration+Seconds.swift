extension Duration {
    /// The duration in seconds, for APIs and files that count time as a `Double` (`TimeInterval`,
    /// JSON `seconds` fields): the one conversion every module uses.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}

extension Duration {
    /// The duration in whole milliseconds, rounded down (for poll timeouts and wire fields in ms).
    public var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}

extension Duration {
    /// A duration from a count of seconds that came from a file or the wire; `nil` when it is not
    /// a positive, finite number below 10^9 (about 31 years), which means: no limit.
    public static func positiveSeconds(_ seconds: Double) -> Duration? {
        guard seconds.isFinite, seconds > 0, seconds < 1e9 else { return nil }
        return .nanoseconds(Int64(seconds * 1e9))
    }
}
