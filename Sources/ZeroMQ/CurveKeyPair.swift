/// A CURVE long-term key pair, as a coordinator, worker or client holds it.
public struct CurveKeyPair: Sendable, Hashable {
    public let publicKey: CurveKey
    public let secretKey: CurveKey

    public init(publicKey: CurveKey, secretKey: CurveKey) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// A fresh random key pair (`zmq_curve_keypair`); fails with `.notSupported` without CURVE.
    public static func generate() throws(ZMQError) -> CurveKeyPair {
        let (publicText, secretText) = try LibZMQ.curveKeypair()
        guard let publicKey = CurveKey(z85: publicText), let secretKey = CurveKey(z85: secretText) else {
            throw .invalidArgument
        }
        return CurveKeyPair(publicKey: publicKey, secretKey: secretKey)
    }

    /// The pair whose secret key is `secretKey` (the public half is derived).
    public init(secretKey: CurveKey) throws(ZMQError) {
        self.publicKey = try secretKey.derivedPublicKey()
        self.secretKey = secretKey
    }
}
