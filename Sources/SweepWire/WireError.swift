/// Why a received message was rejected; the receiver logs it and drops the message.
public enum WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The header names this protocol but another version of it.
    case unsupportedVersion(got: Int, expected: Int)
    /// The frames do not form a message of this protocol (wrong frame count, bad header, bad body).
    case malformed(reason: String)
    /// The payload names a message kind this side does not know (or does not accept from that peer).
    case unknownKind(String)
    /// The payload is larger than the receiver accepts.
    case tooLarge(bytes: Int, limit: Int)
    /// A message could not be encoded (a bug in the sender, never caused by the peer).
    case unencodable(reason: String)

    public var description: String {
        switch self {
        case .unsupportedVersion(let got, let expected):
            "unsupported protocol version \(got) (this side speaks \(WireProtocol.name)/\(expected))"
        case .malformed(let reason): "malformed message: \(reason)"
        case .unknownKind(let kind): "unknown message kind '\(kind)'"
        case .tooLarge(let bytes, let limit): "message of \(bytes) bytes exceeds the limit of \(limit) bytes"
        case .unencodable(let reason): "message could not be encoded: \(reason)"
        }
    }
}
