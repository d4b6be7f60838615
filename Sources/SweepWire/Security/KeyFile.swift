import Foundation
import ZeroMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes CURVE key files: one 40-character Z85 key on one line, as `clustersweep
/// keygen` writes them (`public.key`, and `secret.key` with mode 0600).
///
/// Permission rule for secret keys (like ssh's for private keys): a secret key file readable or
/// writable by "others" is refused, since any local user could copy it and impersonate the key;
/// a group-readable file is accepted with a warning (`SecretKeyFile.warnings`), because
/// container platforms mount secrets group-readable for a dedicated group.
public enum KeyFile {
    /// The file names `keygen` writes inside its output directory.
    public static let publicFileName = "public.key"
    public static let secretFileName = "secret.key"

    /// Key files are tiny; anything larger is certainly not one.
    static let maxBytes = 4096

    // MARK: - Reading

    /// Reads a public key file (e.g. the coordinator's `public.key` given to workers).
    public static func readPublic(_ path: String) throws(KeyFileError) -> CurveKey {
        try parseKey(try readText(path), path: path, kind: .public)
    }

    /// Reads a secret key file, refusing one that other users can read, and derives its public key.
    public static func readSecret(_ path: String) throws(KeyFileError) -> SecretKeyFile {
        let key = try parseKey(try readText(path), path: path, kind: .secret)
        // Name the likelier mistake first: a public key given where the secret one belongs.
        if let sibling = siblingPublicKey(of: path), sibling == key {
            throw .malformed(path: path, reason: "this is a public key (it equals the \(publicFileName) next to it); pass the \(secretFileName) file")
        }
        let mode = try permissionBits(path)
        if mode & 0o006 != 0 { throw .exposedSecret(path: path, mode: mode) }
        do {
            return SecretKeyFile(path: path, keyPair: try CurveKeyPair(secretKey: key), mode: mode)
        } catch {
            throw .malformed(path: path, reason: "cannot derive the public key: \(error)")
        }
    }

    /// The key in a key file's text: one Z85 key, surrounding whitespace allowed. `kind` names
    /// the file a user meant to give (`public.key` or `secret.key`) in the error.
    static func parseKey(_ text: String, path: String, kind: AuthorizedKeys.KeyKind = .public) throws(KeyFileError) -> CurveKey {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .malformed(path: path, reason: "the file is empty; expected a 40-character Z85 key") }
        guard !trimmed.contains(where: { $0.isWhitespace }) else {
            throw .malformed(path: path, reason: "expected one 40-character Z85 key on one line, found several words or lines")
        }
        guard let key = CurveKey(z85: trimmed) else {
            throw .malformed(path: path, reason: AuthorizedKeys.keyProblem(trimmed, kind: kind))
        }
        return key
    }

    private static func readText(_ path: String) throws(KeyFileError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .missing(path: path) }
        if isDirectory.boolValue { throw .unreadable(path: path, reason: "is a directory, not a key file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadable(path: path, reason: "permission denied")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maxBytes + 1) ?? Data()
        } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        guard data.count <= maxBytes else {
            throw .malformed(path: path, reason: "more than \(maxBytes) bytes; a key file holds one 40-character key")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .malformed(path: path, reason: "not text; expected a 40-character Z85 key")
        }
        return text
    }

    private static func permissionBits(_ path: String) throws(KeyFileError) -> UInt32 {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { throw .missing(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        return UInt32(status.st_mode) & 0o777
    }

    private static func siblingPublicKey(of secretPath: String) -> CurveKey? {
        let sibling = URL(fileURLWithPath: secretPath).deletingLastPathComponent().appendingPathComponent(publicFileName).path
        return try? readPublic(sibling)
    }

    // MARK: - Writing

    /// Writes `pair` as `DIR/public.key` (mode 0644) and `DIR/secret.key` (mode 0600), creating
    /// `DIR` (mode 0700) if needed. Refuses to replace either file unless `force`; each file is
    /// written to a temporary name and renamed, so a reader never sees half a key and the secret
    /// is never on disk with wider permissions.
    @discardableResult
    public static func writePair(_ pair: CurveKeyPair, toDirectory directory: String, force: Bool) throws(KeyFileError) -> (publicPath: String, secretPath: String) {
        let directoryURL = URL(fileURLWithPath: directory)
        let publicPath = directoryURL.appendingPathComponent(publicFileName).path
        let secretPath = directoryURL.appendingPathComponent(secretFileName).path
        do {
            try FileManager.default.createDirectory(
                at: directoryURL, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .writeFailed(path: directory, reason: (error as NSError).localizedDescription)
        }
        if !force {
            for path in [secretPath, publicPath] where FileManager.default.fileExists(atPath: path) {
                throw .alreadyExists(path: path)
            }
        }
        try writeAtomically(pair.secretKey.z85 + "\n", to: secretPath, mode: 0o600)
        try writeAtomically(pair.publicKey.z85 + "\n", to: publicPath, mode: 0o644)
        return (publicPath, secretPath)
    }

    private static func writeAtomically(_ text: String, to path: String, mode: mode_t) throws(KeyFileError) {
        let temporary = path + ".tmp-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
        // The umask may have narrowed `mode`; set it exactly (never wider than asked).
        _ = fchmod(descriptor, mode)
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        let failure = written == bytes.count && synced ? nil : String(cString: strerror(errno))
        close(descriptor)
        if let failure {
            unlink(temporary)
            throw .writeFailed(path: path, reason: failure)
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .writeFailed(path: path, reason: reason)
        }
    }
}
