import ZeroMQ

/// A secret key read from its file, with its derived key pair and anything about the file the
/// operator should hear (read by `KeyFile.readSecret`).
public struct SecretKeyFile: Sendable, Equatable {
    /// Where it was read from.
    public var path: String
    /// The secret key and the public key derived from it.
    public var keyPair: CurveKeyPair
    /// The file's permission bits (e.g. `0o600`).
    public var mode: UInt32

    public init(path: String, keyPair: CurveKeyPair, mode: UInt32) {
        self.path = path
        self.keyPair = keyPair
        self.mode = mode
    }

    /// Whether members of the file's group may read it (allowed, since container platforms such
    /// as Kubernetes with `fsGroup` mount secrets that way, but worth a warning).
    public var isGroupReadable: Bool { mode & 0o040 != 0 }

    /// Warnings to log when the key is loaded; empty for a file only its owner can read.
    public var warnings: [String] {
        isGroupReadable
            ? ["secret key file \(path) is readable by its group (mode \(String(mode, radix: 8))); prefer 'chmod 600 \(path)' unless the group is dedicated to this service"]
            : []
    }
}
