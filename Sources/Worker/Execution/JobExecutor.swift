import SweepModel
import SweepWire

/// Runs one job attempt on a slot thread and returns its result, or throws to report a failure.
///
/// Implementations must call `control.shouldContinue()` regularly (e.g. from a training loop's
/// check callback) and stop with `JobError.aborted` when it returns `false`: that is how aborts,
/// job timeouts and the end of a shutdown grace period reach a running job.
public protocol JobExecutor: Sendable {
    func run(_ job: JobAssignment, control: JobControl) throws -> JobResult
}

/// Why a job attempt ended without a result; its description becomes the failure's error text.
public enum JobError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The coordinator aborted the attempt, or the worker is shutting down.
    case aborted
    /// The attempt ran past its `timeoutSeconds`.
    case timedOut(seconds: Double)
    /// The `fail_attempts` test switch made this attempt fail.
    case injectedFailure(attempt: Int, failAttempts: Int)
    /// This worker cannot run jobs of this kind (e.g. `train` without a training runner).
    case unsupportedKind(JobKind)
    /// The job's parameters were refused (e.g. a configuration this build cannot run).
    case invalidJob(String)

    public var description: String {
        switch self {
        case .aborted: "aborted"
        case .timedOut(let seconds): "timed out after \(seconds) s"
        case .injectedFailure(let attempt, let failAttempts):
            "injected failure: attempt \(attempt) of the first \(failAttempts) fails (fail_attempts)"
        case .unsupportedKind(let kind): "this worker cannot run '\(kind.rawValue)' jobs"
        case .invalidJob(let reason): "invalid job: \(reason)"
        }
    }
}
