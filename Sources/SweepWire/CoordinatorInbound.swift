/// A message that arrived at the coordinator's one ROUTER socket: from a worker or from a client.
public enum CoordinatorInbound: Sendable, Equatable {
    case worker(WorkerMessage)
    /// A client request and the id its reply must repeat.
    case client(requestID: UInt64, ClientRequest)
}
