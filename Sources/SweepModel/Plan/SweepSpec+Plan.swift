import Crypto
import Foundation
import TrainingCore

// MARK: - Expanding a sweep into jobs

extension SweepSpec {
    /// The parameters every job starts from: defaults, then `experiment:` values, then the kind.
    func baseParameters() -> JobParameters {
        var parameters = JobParameters(kind: kind, experiment: ExperimentConfig())
        for setting in experiment {
            setting.apply(to: &parameters)
        }
        return parameters
    }

    /// Jobs in the plan: the product of the grid's value counts times the number of seeds.
    public var jobCount: Int {
        grid.reduce(seeds.count) { count, axis in
            count.multipliedReportingOverflow(by: axis.values.count).partialValue
        }
    }

    /// Every job of the sweep, in a fixed order: grid axes in file order with the first axis
    /// varying slowest (a cartesian product), seeds innermost. Each job's parameters are fully
    /// resolved (`ExperimentConfig.resolved()`) and its id is `JobParameters.jobID`. A big plan is
    /// better expanded in slices through `SweepPlan`.
    public func plan() -> [PlannedJob] {
        var plan = SweepPlan(self)
        return plan.jobs(in: 0..<plan.count)
    }

    /// The sweep's id: SHA-256 (lowercase hex) of the UTF-8 text `name`, a newline, then each
    /// job id of the plan in order, each followed by a newline.
    public var id: SweepID {
        var plan = SweepPlan(self)
        var hasher = SweepIDHasher(name: name)
        for position in 0..<plan.count { hasher.add(plan.jobID(at: position)) }
        return hasher.finalize()
    }

    /// The sweep id of `name` with these ordered job ids (see `id`).
    public static func sweepID(name: String, jobs: [JobID]) -> SweepID {
        var hasher = SweepIDHasher(name: name)
        for job in jobs { hasher.add(job) }
        return hasher.finalize()
    }
}
