extension ClientReply.SweepStatus {
    /// Whether the sweep will make no more progress: cancelled, finished, or nothing left open.
    /// `watch` and the embedded `run` both stop following a sweep on this.
    public var hasEnded: Bool {
        cancelled || finishedAt != nil || counts.pending + counts.running == 0
    }
}
