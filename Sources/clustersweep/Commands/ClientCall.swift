import SweepWire

/// Sends one client request and turns transport problems and `error` replies into failures.
enum ClientCall {
    static func send(_ request: ClientRequest, with client: CoordinatorClient) throws -> ClientReply {
        let reply: ClientReply
        do {
            reply = try client.send(request)
        } catch {
            throw CommandFailure(error.description)
        }
        if case .error(let failure) = reply {
            throw CommandFailure(failure.message)
        }
        return reply
    }
}
