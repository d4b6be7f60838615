/// What a run's metric checks computed, and what their bounds proved without computing: how much
/// of the O(N^2) work a run that needs only times to cluster avoided (`bench core` prints it).
public struct CheckWork: Equatable, Sendable {
    /// Checks made (the last check's completion for `final` not counted).
    public var checks = 0
    /// Passes over every pair for the full-space silhouette, and for the LDA silhouette.
    public var silhouettePasses = 0, ldaPasses = 0
    /// Checks at which a bound proved the full-space (LDA) silhouette below its threshold.
    public var silhouetteBounded = 0, ldaBounded = 0
    /// Rows whose nearest neighbours were searched, and checks whose kNN search stopped early
    /// because the accuracy could no longer reach its threshold.
    public var knnRows = 0, knnStoppedEarly = 0
    /// Rows whose vote was settled by counting instead of a search: their own class provably
    /// could not win it, or no other class could (`DistanceKernels.countWithinBound`).
    public var knnRowsProven = 0
    /// Seconds the checks took on `ExperimentRun.checkClock` (0 when it is nil): `bench core`
    /// reads the checks' own cost from it rather than from the difference of two noisy runs.
    public var seconds = 0.0

    public init() {}
}
