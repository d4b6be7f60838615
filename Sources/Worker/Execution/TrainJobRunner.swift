import SweepModel
import SweepWire
import TrainingCore

/// Runs a `train` job with the training core: validates its configuration, trains, forwards
/// progress at most once per `progressInterval`, and stops at a check when the job is aborted or
/// times out.
public struct TrainJobRunner: Sendable {
    /// Least time between two progress reports of one job (checks come every few milliseconds).
    public var progressInterval: Duration
    /// The kernels every job trains with (`worker --kernels`); the result records it.
    public var kernelFamily: KernelFamily

    public init(progressInterval: Duration = .seconds(1), kernelFamily: KernelFamily = .detected) {
        self.progressInterval = progressInterval
        self.kernelFamily = kernelFamily
    }

    public func run(_ job: JobAssignment, control: JobControl) throws -> JobResult {
        var experiment: ExperimentRun
        do {
            experiment = try ExperimentRun(config: job.parameters.experiment)
        } catch {
            throw JobError.invalidJob(error.description)
        }
        experiment.kernelFamily = kernelFamily
        // A result carries the summary (times to cluster and `final`), never the curve, and the
        // coordinator reads only a progress report's job and attempt: bounded checks suffice
        // (progress values a check did not need are NaN).
        experiment.recordsFullCurve = false
        let interval = progressInterval
        var lastReport: ContinuousClock.Instant?
        let outcome = experiment.run { check in
            let now = ContinuousClock.now
            if lastReport.map({ now - $0 >= interval }) ?? true {
                control.report(epoch: check.epoch, metrics: check.values)
                lastReport = now
            }
            return control.shouldContinue()
        }
        if outcome.aborted { throw control.stopReason }
        let summary = outcome.summary
        // The configuration stays behind: it is the job's parameters, which the coordinator has.
        return JobResult(status: JobStatus(summary.status), summary: summary.outcome, seconds: summary.trainSeconds)
    }

    /// The executor a worker process uses: noop, sleep and fail switches built in, train here.
    public static func executor(
        progressInterval: Duration = .seconds(1), kernelFamily: KernelFamily = .detected
    ) -> BuiltinJobExecutor {
        let runner = TrainJobRunner(progressInterval: progressInterval, kernelFamily: kernelFamily)
        return BuiltinJobExecutor(train: { job, control in try runner.run(job, control: control) })
    }
}
