/// Why the coordinator's CURVE security could not be set up, or refused a configuration.
public enum SecurityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server's secret key file.
    case keyFile(KeyFileError)
    /// The authorized keys file.
    case authorizedKeys(AuthorizedKeysError)
    /// The ZAP handler could not start or take new keys.
    case authenticator(String)
    /// A bind that would expose the coordinator without authentication (see `BindPolicy`).
    case insecureBind(endpoint: String)

    public var description: String {
        switch self {
        case .keyFile(let error): error.description
        case .authorizedKeys(let error): error.description
        case .authenticator(let reason): "CURVE authentication: \(reason)"
        case .insecureBind(let endpoint):
            "refusing to bind \(endpoint) without CURVE: anyone who can reach this port could submit work, cancel sweeps and read every result. Give --curve-secret-key and --authorized-keys (see docs/SECURITY.md), bind a loopback address (tcp://127.0.0.1:PORT), or pass --insecure if the network itself is trusted"
        }
    }
}
