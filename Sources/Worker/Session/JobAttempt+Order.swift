import SweepWire
import SweepModel

extension JobAttempt {
    /// A fixed order (job id, then attempt number) for attempts taken out of a dictionary, so the
    /// session's actions do not depend on the process's hash seed and a simulation seed replays
    /// exactly.
    static func ordered(_ a: JobAttempt, _ b: JobAttempt) -> Bool {
        a.job.rawValue != b.job.rawValue ? a.job.rawValue < b.job.rawValue : a.attempt < b.attempt
    }
}
