/// Why the dashboard cannot start; the CLI prints `description`.
public enum DashboardError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `--listen` is not `HOST:PORT`.
    case invalidListen(String, reason: String)
    /// A non-loopback address without a password file or `--insecure`.
    case exposedWithoutAuthentication(ListenAddress)
    /// The password file is missing, unreadable, readable by others, or has no valid line.
    case passwordFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidListen(let text, let reason):
            "invalid --listen '\(text)': \(reason)"
        case .exposedWithoutAuthentication(let address):
            """
            refusing to serve the dashboard on \(address), which other machines can reach, without \
            authentication: give --password-file FILE (lines 'user:password'; browsers and Prometheus \
            send HTTP basic auth), or --insecure to serve it openly anyway; or listen on 127.0.0.1 \
            and reach it through an SSH tunnel
            """
        case .passwordFile(let path, let reason):
            "password file \(path): \(reason)"
        }
    }
}
