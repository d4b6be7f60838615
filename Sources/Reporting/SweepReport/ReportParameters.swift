import Foundation
import SweepModel
import TrainingCore

/// Flattens a job's resolved parameters into one snake_case key → value map, so reports show,
/// group and tabulate every parameter without restating the experiment's fields.
///
/// Keys are the experiment's own JSON keys (`dimension`, `input_learning_rate`, ...) of its
/// resolved config (derived defaults written out), which are the keys of `ExperimentConfig.options`
/// (every option, also one left out of job ids at its default), plus `kind`, `sleep_ms` and
/// `fail_attempts`.
public enum ReportParameters {
    /// The keys that never take part in grouping runs: the seed is what repeats a group.
    public static let seedKey = "seed"
    /// The key of the x axis of the headline chart.
    public static let dimensionKey = "dimension"

    /// The flattened parameters of `parameters`.
    public static func flatten(_ parameters: JobParameters) -> [String: ParameterValue] {
        var flat: [String: ParameterValue] = [:]
        let encoder = JSONEncoder()
        encoder.userInfo[.experimentEveryOption] = true
        encoder.nonConformingFloatEncodingStrategy = NonFiniteNumbers.encodingStrategy
        if let data = try? encoder.encode(parameters.experiment.resolved()),
           let decoded = try? JSONDecoder().decode([String: ParameterValue].self, from: data) {
            flat = decoded
        }
        flat["kind"] = .string(parameters.kind.rawValue)
        flat["sleep_ms"] = .int(parameters.sleepMs)
        flat["fail_attempts"] = .int(parameters.failAttempts)
        return flat
    }

    /// The experiment configuration that flattened parameters (a report job's, all of them:
    /// `SweepReport.parameters(of:)`) describe: the inverse of `flatten` for its experiment.
    /// `nil` if they do not decode as one.
    public static func experiment(from flat: [String: ParameterValue]) -> ExperimentConfig? {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = NonFiniteNumbers.encodingStrategy
        guard let data = try? encoder.encode(flat) else { return nil }
        return try? NonFiniteNumbers.decoder().decode(ExperimentConfig.self, from: data)
    }

    /// `parameters` without the keys in `removing`.
    static func without(_ parameters: [String: ParameterValue], _ removing: Set<String>) -> [String: ParameterValue] {
        parameters.filter { !removing.contains($0.key) }
    }
}
