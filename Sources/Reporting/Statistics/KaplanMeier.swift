import Foundation

/// The Kaplan–Meier estimate of the fraction of runs still unclustered after each time, so runs
/// that stopped before clustering count as "at least this long" instead of being dropped.
///
/// Each observation is a time and whether the event (clustering) happened then; an observation
/// without the event is right-censored at its time. At each distinct event time `t` with `d`
/// events and `n` observations still at risk (time ≥ t), survival is multiplied by `1 - d / n`.
/// Censored observations at the same time as events count as at risk at that time (the usual
/// convention). Quantiles follow R's `survfit`: the `p`-quantile is the smallest time at which
/// survival is ≤ `1 - p`; when survival equals `1 - p` exactly over an interval, it is the
/// midpoint of that interval's start and the next event time. It is `nil` when survival never
/// drops that low, which is how a group where most runs never clustered reports no median.
public struct KaplanMeier: Sendable, Equatable {
    /// One observed run: the time it clustered (`event == true`) or was last seen unclustered.
    public struct Observation: Sendable, Equatable {
        public var time: Double
        public var event: Bool
        public init(time: Double, event: Bool) {
            self.time = time
            self.event = event
        }
    }

    /// The curve at one distinct observed time (event or censoring).
    public struct Step: Codable, Sendable, Equatable {
        public var time: Double
        /// Observations with time ≥ `time`.
        public var atRisk: Int
        /// Observations that clustered at `time`.
        public var events: Int
        /// Observations censored at `time`.
        public var censored: Int
        /// Estimated fraction still unclustered just after `time`.
        public var survival: Double

        public init(time: Double, atRisk: Int, events: Int, censored: Int, survival: Double) {
            self.time = time
            self.atRisk = atRisk
            self.events = events
            self.censored = censored
            self.survival = survival
        }

        enum CodingKeys: String, CodingKey {
            case time
            case atRisk = "at_risk"
            case events, censored, survival
        }
    }

    /// The curve, one step per distinct observed time, in increasing time.
    public let steps: [Step]
    /// Number of (finite) observations.
    public let count: Int

    /// Estimates the curve from `observations`; non-finite times are ignored.
    public init(_ observations: [Observation]) {
        let valid = observations.filter { $0.time.isFinite }.sorted { $0.time < $1.time }
        count = valid.count
        var steps: [Step] = []
        var survival = 1.0
        var atRisk = valid.count
        var index = 0
        while index < valid.count {
            let time = valid[index].time
            var events = 0, censored = 0
            while index < valid.count, valid[index].time == time {
                if valid[index].event { events += 1 } else { censored += 1 }
                index += 1
            }
            if events > 0 {
                survival *= 1 - Double(events) / Double(atRisk)
            }
            steps.append(Step(time: time, atRisk: atRisk, events: events, censored: censored, survival: survival))
            atRisk -= events + censored
        }
        self.steps = steps
    }

    /// The time by which a fraction `p` of runs is estimated to have clustered (see the type's doc),
    /// or `nil` if the curve never gets there.
    public func quantile(_ p: Double) -> Double? {
        let target = 1 - p
        let tolerance = 1e-9
        let eventSteps = steps.filter { $0.events > 0 }
        for (i, step) in eventSteps.enumerated() where step.survival <= target + tolerance {
            if abs(step.survival - target) <= tolerance, i + 1 < eventSteps.count {
                return (step.time + eventSteps[i + 1].time) / 2
            }
            return step.time
        }
        return nil
    }

    /// The estimated median time to cluster, `nil` when fewer than half are estimated to cluster.
    public var median: Double? { quantile(0.5) }
}
