import SweepWire

/// Why an embedded local run could not complete.
public enum LocalRunError: Error, Sendable, CustomStringConvertible {
    case invalidSweep(String)
    case cannotCreateDirectory(String, reason: String)
    case coordinatorFailed(String)
    case cannotStartWorker(String, reason: String)
    /// A request to the embedded coordinator failed (the cause kept).
    case client(SweepClientError)
    case report(String)
    case interrupted

    public var description: String {
        switch self {
        case .invalidSweep(let message): message
        case .cannotCreateDirectory(let path, let reason): "cannot create \(path): \(reason)"
        case .coordinatorFailed(let message): "coordinator: \(message)"
        case .cannotStartWorker(let path, let reason): "cannot start worker \(path): \(reason)"
        case .client(let error): error.description
        case .report(let message): "cannot write the report: \(message)"
        case .interrupted: "interrupted: the state is saved; run the same command again to resume"
        }
    }
}
