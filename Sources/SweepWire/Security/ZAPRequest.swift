import ZeroMQ

/// One ZAP (ZeroMQ Authentication Protocol, RFC 27) request as libzmq sends it to the handler on
/// `inproc://zeromq.zap.01`, and the decision that answers it. Pure values, so the decision is
/// testable without sockets.
struct ZAPRequest: Sendable, Equatable {
    /// Frames: version, request id, domain, address, routing id, mechanism, credentials...
    var version: [UInt8]
    var requestID: [UInt8]
    var domain: String
    /// The peer's IP address as libzmq saw it (for logs).
    var address: String
    var mechanism: String
    var credentials: [[UInt8]]

    /// A request from its frames; `nil` if there are fewer than the six fixed frames.
    init?(frames: [[UInt8]]) {
        guard frames.count >= 6 else { return nil }
        version = frames[0]
        requestID = frames[1]
        domain = String(decoding: frames[2], as: UTF8.self)
        address = String(decoding: frames[3], as: UTF8.self)
        mechanism = String(decoding: frames[5], as: UTF8.self)
        credentials = Array(frames.dropFirst(6))
    }

    /// The CURVE client's long-term public key, if this is a well-formed CURVE request.
    var curveKey: CurveKey? {
        guard mechanism == "CURVE", credentials.count == 1 else { return nil }
        return CurveKey(bytes: credentials[0])
    }

    /// What the handler answers: the role for an authorized CURVE key, otherwise a refusal.
    func decide(with keys: AuthorizedKeys) -> ZAPDecision {
        guard version == Array("1.0".utf8) else { return .refuse(status: "500", reason: "unsupported ZAP version") }
        guard mechanism == "CURVE" else { return .refuse(status: "400", reason: "mechanism \(mechanism) not allowed; CURVE is required") }
        guard let key = curveKey else { return .refuse(status: "400", reason: "malformed CURVE credentials") }
        guard let role = keys.role(of: key) else { return .refuse(status: "400", reason: "key not in the authorized keys file") }
        return .allow(role)
    }

    /// The reply frames: version, request id, status code, status text, user id, metadata.
    func reply(_ decision: ZAPDecision) -> [[UInt8]] {
        switch decision {
        case .allow(let role):
            [Array("1.0".utf8), requestID, Array("200".utf8), Array("OK".utf8), Array(role.rawValue.utf8), []]
        case .refuse(let status, let reason):
            [Array("1.0".utf8), requestID, Array(status.utf8), Array(reason.utf8), [], []]
        }
    }

    /// The reply to a message too short to be a ZAP request (the REP socket must answer something).
    static func malformedReply(to frames: [[UInt8]]) -> [[UInt8]] {
        [Array("1.0".utf8), frames.count > 1 ? frames[1] : [], Array("500".utf8), Array("malformed ZAP request".utf8), [], []]
    }
}

/// The ZAP handler's answer to one connection attempt.
enum ZAPDecision: Sendable, Equatable {
    /// Accept; the role's name becomes the connection's user id.
    case allow(PeerRole)
    /// Refuse with a ZAP status code (`400` not allowed, `500` internal/protocol error).
    case refuse(status: String, reason: String)
}
