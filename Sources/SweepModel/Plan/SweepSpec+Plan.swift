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
    /// resolved (`ExperimentConfig.resolved()`) and its id is `JobParameters.jobID`.
    public func plan() -> [PlannedJob] {
        let base = baseParameters()
        let encoder = JobParameters.canonicalEncoder()
        var jobs: [PlannedJob] = []
        jobs.reserveCapacity(min(max(0, jobCount), Self.maxJobs))
        var choice = [Int](repeating: 0, count: grid.count)
        if grid.contains(where: { $0.values.isEmpty }) || seeds.isEmpty { return [] }
        while true {
            var point = base
            for (axis, index) in zip(grid, choice) {
                axis.values[index].apply(to: &point)
            }
            for seed in seeds {
                var parameters = point
                parameters.experiment.seed = seed
                parameters.experiment = parameters.experiment.resolved()
                jobs.append(PlannedJob(id: parameters.jobID(using: encoder), index: jobs.count, parameters: parameters))
            }
            var axis = grid.count - 1
            while axis >= 0 {
                choice[axis] += 1
                if choice[axis] < grid[axis].values.count { break }
                choice[axis] = 0
                axis -= 1
            }
            if axis < 0 { return jobs }
        }
    }

    /// The sweep's id: SHA-256 (lowercase hex) of the UTF-8 text `name`, a newline, then each
    /// job id of the plan in order, each followed by a newline.
    public var id: SweepID { Self.sweepID(name: name, jobs: plan().map(\.id)) }

    /// The sweep id of `name` with these ordered job ids (see `id`).
    public static func sweepID(name: String, jobs: [JobID]) -> SweepID {
        var hasher = SHA256()
        hasher.update(data: Data((name + "\n").utf8))
        for job in jobs {
            hasher.update(data: Data((job.rawValue + "\n").utf8))
        }
        return SweepID(rawValue: JobParameters.hex(hasher.finalize()))
    }
}
