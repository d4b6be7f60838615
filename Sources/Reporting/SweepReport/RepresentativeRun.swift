import Foundation
import TrainingCore

/// The run a report pictures for one dimension of a series: the one whose epochs-to-cluster is
/// closest to the dimension's Kaplan–Meier median (to the longest observed time when the median
/// was not reached), the lowest seed on a tie.
public struct RepresentativeRun: Codable, Sendable, Equatable {
    public var jobID: String
    public var seed: ParameterValue
    /// Its epochs-to-cluster, or the epoch it stopped at unclustered.
    public var epochs: Double
    /// Whether it clustered (else it was censored at `epochs`).
    public var clustered: Bool

    public init(jobID: String, seed: ParameterValue, epochs: Double, clustered: Bool) {
        self.jobID = jobID
        self.seed = seed
        self.epochs = epochs
        self.clustered = clustered
    }

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id"
        case seed, epochs, clustered
    }

    /// The representative of `jobs` (all of one dimension) under `metric`, given their KM median.
    static func choose(_ jobs: [ReportJob], metric: ClusterMetric, kmMedian: Double?) -> RepresentativeRun? {
        let observed = jobs.compactMap { job in job.epochObservation(metric).map { (job, $0) } }
        guard let target = kmMedian ?? observed.map(\.1.time).max() else { return nil }
        let best = observed.min { a, b in
            let da = abs(a.1.time - target), db = abs(b.1.time - target)
            if da != db { return da < db }
            return (a.0.parameters["seed"] ?? .null) < (b.0.parameters["seed"] ?? .null)
        }
        return best.map { job, observation in
            RepresentativeRun(
                jobID: job.jobID, seed: job.parameters["seed"] ?? .null, epochs: observation.time,
                clustered: observation.event)
        }
    }
}
