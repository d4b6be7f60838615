import Foundation
import SweepModel

/// What a sweep file expands to, for a dry run: how many jobs, the values each varying parameter
/// takes (the grid and the seeds), and one job's resolved parameters as a sample.
public struct PlanSummary: Codable, Sendable, Equatable {
    /// One varying parameter and its distinct values, in plan order.
    public struct Axis: Codable, Sendable, Equatable {
        public var key: String
        public var values: [ParameterValue]
    }

    public var jobs: Int
    /// The parameters that differ between jobs (the grid's keys and `seed`), sorted by key.
    public var axes: [Axis]
    /// The first job's flattened resolved parameters (derived defaults written out).
    public var sample: [String: ParameterValue]

    public init(_ planned: [PlannedJob]) {
        jobs = planned.count
        let flattened = planned.map { ReportParameters.flatten($0.parameters) }
        axes = ReportFigures.varyingKeys(flattened).map { key in
            var seen = Set<ParameterValue>()
            let values = flattened.compactMap { $0[key] }.filter { seen.insert($0).inserted }
            return Axis(key: key, values: values)
        }
        sample = flattened.first ?? [:]
    }

    /// The summary of a sweep's plan without expanding every job: one job per grid point (the
    /// first seed) shows what the grid varies, and the seeds are an axis of their own. A
    /// million-seed sweep is summarised from one job.
    public init(_ spec: SweepSpec) {
        var plan = SweepPlan(spec)
        let seeds = max(1, spec.seeds.count)
        let points = stride(from: 0, to: plan.count, by: seeds).map { plan.job(at: $0) }
        self.init(points)
        jobs = plan.count
        if spec.seeds.count > 1 {
            axes.removeAll { $0.key == ReportParameters.seedKey }
            // Spelt as the flattened parameters spell a seed (a signed integer when it fits).
            let unsigned: Bool
            if case .unsigned = sample[ReportParameters.seedKey] { unsigned = true } else { unsigned = false }
            axes.append(Axis(key: ReportParameters.seedKey, values: spec.seeds.map { seed in
                unsigned || seed > UInt64(Int.max) ? .unsigned(seed) : .int(Int(seed))
            }))
            axes.sort { $0.key < $1.key }
        }
    }

    /// `dimension: 2, 3 (2 values)`, one line per axis; long lists are shortened in the middle.
    public var axisLines: [String] {
        axes.map { axis in
            let texts = axis.values.map(\.description)
            let shown = texts.count <= 8 ? texts.joined(separator: ", ")
                : (texts.prefix(3) + ["…"] + texts.suffix(3)).joined(separator: ", ")
            return "\(axis.key): \(shown) (\(texts.count) \(texts.count == 1 ? "value" : "values"))"
        }
    }
}
