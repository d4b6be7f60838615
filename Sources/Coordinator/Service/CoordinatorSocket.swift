import SweepWire
import ZeroMQ

/// Creates and binds the coordinator's one ROUTER socket: the single place its options are set
/// (CURVE server options belong here too), so every way of starting a coordinator gets the same
/// socket.
enum CoordinatorSocket {
    /// Milliseconds `close` may spend flushing the last acknowledgements to workers.
    static let linger: Int32 = 1000

    /// A ROUTER with `WireSocketOptions.coordinator` bound to `endpoint`, and the endpoint it
    /// actually listens on (the free port chosen for a port of `0` or `*`).
    static func bind(
        _ endpoint: String, context: ZMQContext, extraOptions: [ZMQSocketOption] = []
    ) throws(CoordinatorError) -> (socket: ZMQSocket, endpoint: String) {
        let address = try normalized(endpoint)
        let socket: ZMQSocket
        do {
            socket = try context.socket(.router, linger: linger)
            try socket.set(WireSocketOptions.coordinator + extraOptions)
        } catch {
            throw .transport(operation: "creating the ROUTER socket", error)
        }
        do {
            try socket.bind(address)
        } catch {
            socket.close()
            if error == .invalidArgument || error == .protocolNotSupported {
                throw .invalidEndpoint(endpoint, reason: error.description)
            }
            throw .bindFailed(endpoint, error)
        }
        do {
            return (socket, try socket.lastEndpoint())
        } catch {
            socket.close()
            throw .transport(operation: "reading the bound endpoint of \(endpoint)", error)
        }
    }

    /// Checks the endpoint's syntax and turns a tcp port of 0 into `*` (libzmq's "any free port").
    static func normalized(_ text: String) throws(CoordinatorError) -> String {
        let endpoint: Endpoint
        do {
            endpoint = try Endpoint(parsing: text)
        } catch {
            throw .invalidEndpoint(text, reason: error.reason)
        }
        if endpoint.transport == .tcp, let host = endpoint.host, endpoint.port == 0 || endpoint.port == nil {
            return "tcp://\(host):*"
        }
        return text
    }
}
