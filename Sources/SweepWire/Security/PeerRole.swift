
/// What an authenticated CURVE key may do at the coordinator: run jobs (`worker`) or drive sweeps
/// (`client`). The ZAP handler hands the role's name to libzmq as the connection's user id, so
/// every message arrives with the role of the key that sent it.
///
/// The two roles are disjoint on purpose: a worker key (copied onto every compute node) can take
/// and finish jobs but cannot submit, cancel, or read anything; a client key can do all of that
/// but cannot pose as a worker and receive or fake job results.
public enum PeerRole: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case worker
    case client

    /// The role named by a ZAP user id (`"worker"` / `"client"`); `nil` for none or anything else.
    public init?(userID: String?) {
        guard let userID, let role = PeerRole(rawValue: userID) else { return nil }
        self = role
    }

    public var description: String { rawValue }

    /// Whether a key of this role may make `request`. Every client request, reads included
    /// (`status`, `workers`, `report`), needs a client key: a worker key only takes and finishes
    /// jobs, so a stolen worker key reveals nothing about the sweeps.
    public func mayMake(_ request: ClientRequest) -> Bool {
        switch request {
        case .submit, .cancel, .report, .status, .workers, .retry, .plan, .delete, .results, .reportPage:
            self == .client
        }
    }

    /// Whether a key of this role may send `worker.*` messages (hello, ready, results, ...).
    public var maySendWorkerMessages: Bool { self == .worker }
}
