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

    /// A run that may be pictured: where it sits among the observed jobs, its seed, and its
    /// epochs-to-cluster observation under the series' metric.
    struct Candidate: Sendable {
        var position: Int
        var seed: ParameterValue
        var observation: KaplanMeier.Observation
    }

    /// The representative among `candidates` (all of one dimension, in plan order), given their
    /// KM median: the closest to it, the lowest seed on a tie, the first in plan order after that.
    static func choose(_ candidates: [Candidate], kmMedian: Double?) -> Candidate? {
        guard let target = kmMedian ?? candidates.map(\.observation.time).max() else { return nil }
        return candidates.min { a, b in
            let da = abs(a.observation.time - target), db = abs(b.observation.time - target)
            if da != db { return da < db }
            return a.seed < b.seed
        }
    }
}
