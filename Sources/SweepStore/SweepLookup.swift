import SweepModel

/// The answer to looking a sweep up by what a user typed.
public enum SweepLookup: Sendable, Equatable {
    case found(SweepRecord)
    case notFound
    /// Several sweeps match (an id prefix too short, or a name used more than once).
    case ambiguous([SweepRecord])
}
