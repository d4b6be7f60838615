import SweepWire

/// Why a worker could not start (its sockets could not be made or bound): the transport's own
/// error as text, so callers need not know the transport.
public struct WorkerStartError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ operation: String, _ error: TransportError) {
        description = "\(operation): \(error.description)"
    }
}
