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
