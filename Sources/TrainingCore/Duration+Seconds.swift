extension Duration {
    /// The duration in seconds, as the summary's `seconds` fields count time. SweepModel declares
    /// the same conversion publicly for the modules above it; the training core sees none of them.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
