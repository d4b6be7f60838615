import SweepStore
import SweepWire

/// Why the coordinator could not start or had to stop, naming what failed and where; the CLI
/// turns it into the message a user reads.
public enum CoordinatorError: Error, Sendable, CustomStringConvertible {
    /// The state file could not be opened, migrated or read at start-up.
    case storeUnavailable(StoreError)
    /// Another live process owns the state file (or its lock could not be taken).
    case stateFileInUse(path: String, StateFileLock.Failure)
    /// A commit failed: nothing of that batch was acknowledged; restart on the same file to resume.
    case commitFailed(StoreError)
    /// The endpoint does not parse or names an unsupported transport.
    case invalidEndpoint(String, reason: String)
    /// Binding the endpoint failed (address in use, no such interface, permissions).
    case bindFailed(String, TransportError)
    /// A transport call failed outside binding (channel creation, polling).
    case transport(operation: String, TransportError)
    /// `run()` was called a second time; a service runs once.
    case alreadyRan
    /// CURVE could not start (key files, authorized keys, ZAP handler), or the bind would expose
    /// the coordinator without authentication.
    case security(SecurityError)

    public var description: String {
        switch self {
        case .storeUnavailable(let error): "cannot use the state file: \(error)"
        case .stateFileInUse(let path, let failure): "cannot use the state file \(path): \(failure)"
        case .commitFailed(let error): "stopping: a commit to the state file failed, nothing of it was acknowledged: \(error)"
        case .invalidEndpoint(let endpoint, let reason): "invalid --bind endpoint '\(endpoint)': \(reason)"
        case .bindFailed(let endpoint, let error):
            error.isAddressInUse
                ? "cannot bind \(endpoint): the address is already in use (another coordinator?)"
                : "cannot bind \(endpoint): \(error)"
        case .transport(let operation, let error): "the transport (ZeroMQ) failed while \(operation): \(error)"
        case .alreadyRan: "this coordinator service has already run (create a new one)"
        case .security(let error): error.description
        }
    }
}
