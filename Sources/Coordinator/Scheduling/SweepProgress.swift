import SweepModel

/// A sweep's progress as the scheduler knows it, enough to answer `status` and `watch` from memory:
/// counts per status, and the inputs of a rate and an ETA.
public struct SweepProgress: Sendable, Equatable {
    public var sweep: SweepID
    public var counts: JobStatusCounts
    public var cancelled: Bool
    public var finished: Bool
    public var submittedAt: MonotonicInstant
    /// When its first job was handed out (`nil`: not yet).
    public var firstAssignedAt: MonotonicInstant?
    /// When a job of it last became final.
    public var lastFinalAt: MonotonicInstant?
    /// Final-count samples over about the last `rateWindow`, oldest first.
    public var recentSamples: [RateSample]
    /// Jobs that became final while this scheduler ran (the rate's numerator; jobs final before,
    /// or shared with an earlier sweep, do not count).
    public var finalEvents: Int = 0

    /// Jobs that became final per second: over the recent samples, or since the first assignment.
    public func jobsPerSecond(at now: MonotonicInstant) -> Double? {
        if let oldest = recentSamples.first {
            let seconds = now.duration(since: oldest.at).seconds
            let delta = finalEvents - oldest.finalJobs
            if seconds >= 1, delta > 0 { return Double(delta) / seconds }
        }
        guard let start = firstAssignedAt else { return nil }
        let seconds = now.duration(since: start).seconds
        guard seconds > 0, finalEvents > 0 else { return nil }
        return Double(finalEvents) / seconds
    }

    /// Seconds until every job is final at the current rate (`nil`: no rate yet; 0 when finished).
    public func estimatedSecondsRemaining(at now: MonotonicInstant) -> Double? {
        if counts.unfinished == 0 { return 0 }
        guard let rate = jobsPerSecond(at: now), rate > 0 else { return nil }
        return Double(counts.unfinished) / rate
    }
}
