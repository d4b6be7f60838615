import Foundation
/// A ZeroMQ endpoint as users type it, checked before any socket sees it, so a typo gets a
/// message naming what is wrong instead of libzmq's bare `EINVAL`.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public enum Transport: String, Sendable, Hashable { case tcp, ipc, inproc }

    public let transport: Transport
    /// `host:port` for tcp (host may be `*` when binding), a path for ipc, a name for inproc.
    public let address: String
    /// The tcp host (`nil` for other transports).
    public let host: String?
    /// The tcp port (`nil` for other transports, or `*`/0 for an ephemeral bind).
    public let port: Int?

    public var description: String { "\(transport.rawValue)://\(address)" }

    /// Whether the endpoint is only reachable from this machine (loopback, ipc, inproc).
    public var isLocal: Bool {
        guard transport == .tcp, let host else { return true }
        return host == "localhost" || host.hasPrefix("127.") || host == "[::1]" || host == "::1"
    }

    /// Parses `tcp://HOST:PORT`, `ipc://PATH` or `inproc://NAME`.
    public init(parsing text: String) throws(EndpointError) {
        guard let range = text.range(of: "://") else {
            throw EndpointError(text: text, reason: "missing '://' (expected e.g. tcp://127.0.0.1:5555)")
        }
        let scheme = String(text[..<range.lowerBound])
        let rest = String(text[range.upperBound...])
        guard let transport = Transport(rawValue: scheme) else {
            throw EndpointError(text: text, reason: "unsupported transport '\(scheme)' (use tcp, ipc or inproc)")
        }
        guard !rest.isEmpty else { throw EndpointError(text: text, reason: "empty address after '\(scheme)://'") }
        self.transport = transport
        self.address = rest
        guard transport == .tcp else {
            host = nil
            port = nil
            return
        }
        guard let colon = rest.lastIndex(of: ":") else {
            throw EndpointError(text: text, reason: "missing ':PORT' (expected e.g. tcp://127.0.0.1:5555)")
        }
        let hostPart = String(rest[..<colon])
        let portPart = String(rest[rest.index(after: colon)...])
        guard !hostPart.isEmpty else { throw EndpointError(text: text, reason: "missing host before ':\(portPart)'") }
        if portPart == "*" {
            port = nil
        } else if let value = Int(portPart), (0...65535).contains(value) {
            port = value
        } else {
            throw EndpointError(text: text, reason: "port '\(portPart)' is not a number from 0 to 65535 (or *)")
        }
        host = hostPart
    }
}

/// An endpoint that does not parse, with the reason.
public struct EndpointError: Error, Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "invalid endpoint '\(text)': \(reason)" }
}
