import Foundation
import SweepModel
import SweepWire

/// Runs `noop` and `sleep` jobs itself and hands `train` jobs to an injected runner, applying the
/// `fail_attempts` switch to every kind first.
///
/// The training runner is injected so this module does not decide how training is driven; the
/// executable passes one built on `ExperimentRun(config:).run(onCheck:)` whose `onCheck` reports
/// progress and returns `control.shouldContinue()`.
public struct BuiltinJobExecutor: JobExecutor {
    /// Runs a `train` job; `nil` makes `train` jobs fail with `JobError.unsupportedKind`.
    public var train: (@Sendable (JobAssignment, JobControl) throws -> JobResult)?

    public init(train: (@Sendable (JobAssignment, JobControl) throws -> JobResult)? = nil) {
        self.train = train
    }

    public func run(_ job: JobAssignment, control: JobControl) throws -> JobResult {
        let start = ContinuousClock.now
        let parameters = job.parameters
        if job.attempt <= parameters.failAttempts {
            throw JobError.injectedFailure(attempt: job.attempt, failAttempts: parameters.failAttempts)
        }
        switch parameters.kind {
        case .noop:
            return JobResult(status: .completed, summary: nil, seconds: Self.seconds(since: start))
        case .sleep:
            let end = start + .milliseconds(max(0, parameters.sleepMs))
            while ContinuousClock.now < end {
                guard control.shouldContinue() else { throw control.stopReason }
                let remaining = ContinuousClock.now.duration(to: end)
                Thread.sleep(forTimeInterval: min(0.02, remaining.seconds))
            }
            return JobResult(status: .completed, summary: nil, seconds: Self.seconds(since: start))
        case .train:
            guard let train else { throw JobError.unsupportedKind(.train) }
            return try train(job, control)
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        (ContinuousClock.now - start).seconds
    }
}
