import Logging
import ZeroMQ

/// The coordinator's CURVE security in one place: its key pair, the running ZAP handler, and
/// the per-message rule of who may send what. The coordinator creates it before binding, gives it
/// to `WireTransport.coordinatorListener` (which sets the server's options), asks
/// `allows(_:role:)` and `allowsWorkerMessages(role:)` for every message (the role comes with it,
/// `WireChannel.tryReceiveWithRole`), calls `reloadAuthorizedKeys()` on SIGHUP, and `stop()`
/// after closing the listener.
///
/// The per-message checks are a second line behind the ZAP handler: should the handler ever be
/// missing (libzmq then admits any CURVE client with an empty user id), a message without a role
/// is still refused.
public final class CoordinatorSecurity: Sendable {
    public let configuration: CoordinatorSecurityConfiguration
    /// The coordinator's key pair; workers and clients need `serverKeyPair.publicKey`.
    public let serverKeyPair: CurveKeyPair
    /// Things the operator should hear about the key files (e.g. a group-readable secret key).
    public let warnings: [String]
    private let authenticator: ZAPAuthenticator

    /// Reads the secret key and the authorized keys and starts the ZAP handler on `transport`.
    /// Call it before the listener binds.
    public init(configuration: CoordinatorSecurityConfiguration, transport: WireTransport, logger: Logger) throws(SecurityError) {
        self.configuration = configuration
        let secret: SecretKeyFile
        do {
            secret = try KeyFile.readSecret(configuration.serverSecretKeyPath)
        } catch {
            throw .keyFile(error)
        }
        let keys: AuthorizedKeys
        do {
            keys = try AuthorizedKeys.read(from: configuration.authorizedKeysPath)
        } catch {
            throw .authorizedKeys(error)
        }
        serverKeyPair = secret.keyPair
        warnings = secret.warnings
        for warning in warnings { logger.warning("\(warning)") }
        if keys.count == 0 {
            logger.warning("the authorized keys file lists no keys: no worker or client can connect", metadata: [
                "file": "\(configuration.authorizedKeysPath)",
            ])
        }
        do {
            authenticator = try ZAPAuthenticator(context: transport.context, keys: keys, logger: logger)
        } catch {
            throw .authenticator(
                error == .addressInUse
                    ? "another ZAP handler is already bound on \(ZAPAuthenticator.zapEndpoint) in this context"
                    : "cannot start the ZAP handler: \(error)")
        }
    }

    /// The options the coordinator's listener sets before `bind` (with `WireSocketOptions.coordinator`).
    var serverSocketOptions: [ZMQSocketOption] {
        WireSocketOptions.curveServer(secretKey: serverKeyPair.secretKey, zapDomain: configuration.zapDomain)
    }

    /// Re-reads the authorized keys file (on SIGHUP). On error the previous keys stay in force;
    /// log the error and carry on. Safe from any thread.
    @discardableResult
    public func reloadAuthorizedKeys() throws(SecurityError) -> AuthorizedKeys {
        try authenticator.reload(from: configuration.authorizedKeysPath)
    }

    /// Stops the ZAP handler. Idempotent; call it after closing the ROUTER.
    public func stop() { authenticator.stop() }

    // MARK: - Per-message checks

    /// Whether a client request from a connection with `role` may be served. Every client
    /// request needs a client key; answer a refusal with `reply.error` code `forbidden`.
    public func allows(_ request: ClientRequest, role: PeerRole?) -> Bool {
        role?.mayMake(request) ?? false
    }

    /// Whether `worker.*` messages from a connection with `role` may be processed. Drop others
    /// without an answer, so an unauthorized sender learns nothing.
    public func allowsWorkerMessages(role: PeerRole?) -> Bool {
        role?.maySendWorkerMessages ?? false
    }

    /// The message of the `forbidden` reply to a refused client request.
    public func refusal(for request: ClientRequest, role: PeerRole?) -> String {
        switch role {
        case .worker: "\(request.kind) needs a client key; this connection uses a worker key"
        case .client, nil: "\(request.kind) needs a client key listed in the coordinator's authorized keys file"
        }
    }
}
