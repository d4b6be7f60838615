import ZeroMQ

/// The keys a CURVE client (worker or command-line client) connects with.
public struct CurveClientKeys: Sendable, Hashable {
    /// The coordinator's public key.
    public var serverPublicKey: CurveKey
    /// This client's own key pair; its public key must be in the coordinator's authorized keys.
    public var keyPair: CurveKeyPair

    public init(serverPublicKey: CurveKey, keyPair: CurveKeyPair) {
        self.serverPublicKey = serverPublicKey
        self.keyPair = keyPair
    }

    /// The options that make a DEALER a CURVE client of the server.
    public var socketOptions: [ZMQSocketOption] {
        [.curveServerKey(serverPublicKey), .curvePublicKey(keyPair.publicKey), .curveSecretKey(keyPair.secretKey)]
    }
}
