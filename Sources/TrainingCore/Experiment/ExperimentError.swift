/// Why an experiment cannot start: an invalid configuration (each bad field and why) or an
/// initial state that does not fit it (the JSON path of the first mismatch and why).
public enum ExperimentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every problem `ExperimentConfig.validationProblems()` found.
    case invalidConfig([ConfigProblem])
    /// An initial state whose shape or values do not fit the configuration; `path` is a JSON path
    /// into the state file (`points[3]`, `layers[1].weights[0]`).
    case badState(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidConfig(let problems):
            "invalid configuration: " + problems.map(\.description).joined(separator: "; ")
        case .badState(let path, let reason):
            "invalid state at \(path): \(reason)"
        }
    }
}
