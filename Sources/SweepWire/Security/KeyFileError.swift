/// Why a CURVE key file could not be read or written, naming the file.
public enum KeyFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No file at `path`.
    case missing(path: String)
    /// The file exists but could not be read (a directory, no permission, an I/O error).
    case unreadable(path: String, reason: String)
    /// The contents are not one 40-character Z85 key.
    case malformed(path: String, reason: String)
    /// A secret key file that others on the machine can read (`mode` is the permission bits).
    case exposedSecret(path: String, mode: UInt32)
    /// `keygen` would overwrite an existing key.
    case alreadyExists(path: String)
    /// Writing a key file failed.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let path):
            "key file \(path): no such file (create a key pair with 'clustersweep keygen --out DIR')"
        case .unreadable(let path, let reason):
            "key file \(path): \(reason)"
        case .malformed(let path, let reason):
            "key file \(path): \(reason)"
        case .exposedSecret(let path, let mode):
            "secret key file \(path) is readable by other users (mode \(String(mode, radix: 8))); anyone who can read it can impersonate this key. Run 'chmod 600 \(path)' (or 'chmod 400')"
        case .alreadyExists(let path):
            "\(path) already exists; refusing to overwrite a key (pass --force to replace it, which locks out every peer that uses the old key)"
        case .writeFailed(let path, let reason):
            "cannot write key file \(path): \(reason)"
        }
    }
}
