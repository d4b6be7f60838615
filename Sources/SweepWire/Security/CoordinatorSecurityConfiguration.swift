/// Where the coordinator's CURVE keys live: its own secret key and the file of authorized peer
/// keys. Present only when CURVE is on.
public struct CoordinatorSecurityConfiguration: Sendable, Equatable {
    /// The coordinator's secret key file (`secret.key` from `clustersweep keygen`, mode 0600).
    public var serverSecretKeyPath: String
    /// The authorized keys file: `ROLE KEY [comment]` lines (see `AuthorizedKeys`).
    public var authorizedKeysPath: String
    /// The ZAP domain set on the server socket. Default `clustersweep`.
    public var zapDomain: String = "clustersweep"

    public init(serverSecretKeyPath: String, authorizedKeysPath: String) {
        self.serverSecretKeyPath = serverSecretKeyPath
        self.authorizedKeysPath = authorizedKeysPath
    }
}
