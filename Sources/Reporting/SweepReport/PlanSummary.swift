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
