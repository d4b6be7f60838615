/// A 32-byte CURVE key (public or secret), stored raw and written as 40 Z85 characters.
///
/// `init(z85:)` validates its input, so a key read from a file or the environment either parses
/// or returns `nil`; it never reaches libzmq malformed.
public struct CurveKey: Sendable, Hashable, CustomStringConvertible {
    /// The 32 raw key bytes.
    public let bytes: [UInt8]

    /// A key from its 32 raw bytes; `nil` for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// A key from its 40-character Z85 text (surrounding whitespace ignored); `nil` if malformed.
    public init?(z85: String) {
        let trimmed = z85.trimmingZ85Whitespace()
        guard trimmed.utf8.count == 40, let decoded = Z85.decode(trimmed), decoded.count == 32 else { return nil }
        self.bytes = decoded
    }

    /// The key's 40-character Z85 text.
    public var z85: String { Z85.encode(bytes) ?? "" }

    /// The Z85 text; printing a secret key is the caller's decision.
    public var description: String { z85 }

    /// The public key that belongs to this secret key (`zmq_curve_public`).
    public func derivedPublicKey() throws(ZMQError) -> CurveKey {
        let z85Public = try LibZMQ.curvePublic(secretZ85: z85)
        guard let key = CurveKey(z85: z85Public) else { throw .invalidArgument }
        return key
    }
}

extension String {
    fileprivate func trimmingZ85Whitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
