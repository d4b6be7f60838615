import SweepWire

/// Binds the coordinator's one listening channel (`WireTransport.coordinatorListener`, which sets
/// its options, CURVE included), so every way of starting a coordinator gets the same listener,
/// and turns the transport's errors into the coordinator's.
enum CoordinatorSocket {
    /// Milliseconds `close` may spend flushing the last acknowledgements to workers.
    static let linger: Int32 = 1000

    /// The listener bound to `endpoint`, and the endpoint it actually listens on (the free port
    /// chosen for a port of `0` or `*`).
    static func bind(
        _ endpoint: String, transport: WireTransport, security: CoordinatorSecurity?
    ) throws(CoordinatorError) -> (channel: WireChannel, endpoint: String) {
        let address = try normalized(endpoint)
        do {
            return try transport.coordinatorListener(bind: address, security: security, linger: linger)
        } catch {
            if error.isInvalidEndpoint { throw .invalidEndpoint(endpoint, reason: error.description) }
            throw .bindFailed(endpoint, error)
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
