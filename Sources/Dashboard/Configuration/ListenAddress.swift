import Foundation

/// Where the dashboard's HTTP server listens: `HOST:PORT` (IPv6 as `[::1]:PORT`).
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public static let defaultText = "127.0.0.1:8080"

    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (loopback); port 0 picks a free port.
    public init(parsing text: String) throws(DashboardError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var host: Substring
        var portText: Substring
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { throw .invalidListen(text, reason: "missing ']'") }
            host = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            let rest = trimmed[trimmed.index(after: close)...]
            guard rest.hasPrefix(":") else { throw .invalidListen(text, reason: "expected :PORT after ']'") }
            portText = rest.dropFirst()
        } else {
            guard let colon = trimmed.lastIndex(of: ":") else { throw .invalidListen(text, reason: "expected HOST:PORT") }
            host = trimmed[..<colon]
            portText = trimmed[trimmed.index(after: colon)...]
            if host.contains(":") { throw .invalidListen(text, reason: "write an IPv6 address as [ADDRESS]:PORT") }
        }
        if host.isEmpty { host = "127.0.0.1" }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw .invalidListen(text, reason: "the port must be a number from 0 to 65535")
        }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" || $0 == "_" }) else {
            throw .invalidListen(text, reason: "invalid host name")
        }
        self.init(host: String(host), port: port)
    }

    /// Whether only this machine can reach the address: 127.0.0.0/8, ::1 or `localhost`.
    public var isLoopback: Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The page's URL with `port` (the bound one when 0 was asked for).
    public func url(port: Int? = nil) -> String {
        let shown = host == "0.0.0.0" || host == "::" ? (host == "::" ? "[::1]" : "127.0.0.1")
            : (host.contains(":") ? "[\(host)]" : host)
        return "http://\(shown):\(port ?? self.port)/"
    }
}
