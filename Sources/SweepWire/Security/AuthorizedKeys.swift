import Foundation
import ZeroMQ

/// The set of CURVE public keys allowed to connect to the coordinator, each with its role, as
/// read from the authorized keys file.
///
/// File format, one entry per line: `ROLE KEY [comment]`, where ROLE is `worker` or `client` and
/// KEY a 40-character Z85 public key (as `clustersweep keygen` writes to `public.key`). A line
/// whose first non-blank character is `#` is a comment; blank lines are ignored. The same key may
/// appear twice with the same role, never with two roles.
public struct AuthorizedKeys: Sendable, Equatable {
    /// Each authorized key's role.
    public private(set) var roles: [CurveKey: PeerRole]

    /// An explicit set (tests, or keys from somewhere other than a file).
    public init(_ roles: [CurveKey: PeerRole] = [:]) {
        self.roles = roles
    }

    /// The number of authorized keys.
    public var count: Int { roles.count }

    /// The role of `key`, or `nil` if it is not authorized.
    public func role(of key: CurveKey) -> PeerRole? { roles[key] }

    /// The number of keys with `role`.
    public func count(of role: PeerRole) -> Int { roles.values.count { $0 == role } }

    // MARK: - Reading the file

    /// Reads and parses the file at `path`.
    public static func read(from path: String) throws(AuthorizedKeysError) -> AuthorizedKeys {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: Self.readFailure(path: path, error: error))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// Parses the text of an authorized keys file; `path` only names the file in errors.
    public static func parse(_ text: String, path: String) throws(AuthorizedKeysError) -> AuthorizedKeys {
        var roles: [CurveKey: PeerRole] = [:]
        var firstLine: [CurveKey: Int] = [:]
        // "\r\n" is one Character in Swift, so CRLF files count lines as editors do.
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let lineNumber = index + 1
            let fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let roleField = fields.first, !roleField.hasPrefix("#") else { continue }
            func invalid(_ reason: String) -> AuthorizedKeysError {
                .invalidLine(path: path, line: lineNumber, reason: reason)
            }
            guard let role = PeerRole(rawValue: String(roleField)) else {
                throw invalid("unknown role '\(roleField)' (expected 'worker' or 'client', then the key)")
            }
            guard fields.count >= 2 else {
                throw invalid("missing key after '\(role)' (expected '\(role) KEY [comment]', KEY the 40-character Z85 public key)")
            }
            let keyText = String(fields[1])
            guard let key = CurveKey(z85: keyText) else { throw invalid(Self.keyProblem(keyText)) }
            if let earlier = roles[key], let earlierLine = firstLine[key] {
                guard earlier == role else {
                    throw invalid("key \(keyText) is already authorized as '\(earlier)' on line \(earlierLine); one key has one role (generate a separate key pair with 'clustersweep keygen')")
                }
                continue
            }
            roles[key] = role
            firstLine[key] = lineNumber
        }
        return AuthorizedKeys(roles)
    }

    /// Which half of a key pair a text was meant to be, for error messages.
    public enum KeyKind: Sendable {
        case `public`, secret

        var fileName: String { self == .public ? "public.key" : "secret.key" }
    }

    /// Why `text` is not a Z85 key of `kind`, in words.
    static func keyProblem(_ text: String, kind: KeyKind = .public) -> String {
        let length = text.count
        guard length == 40 else {
            let shown = kind == .secret ? "the key" : "key '\(text)'"
            return "\(shown) has \(length) characters; a CURVE \(kind == .secret ? "secret" : "public") key in Z85 has 40 "
                + "(the contents of a \(kind.fileName) file made by 'clustersweep keygen')"
        }
        // A secret key is never echoed back.
        let shown = kind == .secret ? "the key" : "key '\(text)'"
        if let bad = text.first(where: { !Z85.isAlphabetCharacter($0) }) {
            return "\(shown) contains '\(bad)', which is not a Z85 character"
        }
        return "\(shown) is not valid Z85 (a 5-character group encodes a value above 2^32-1)"
    }

    static func readFailure(path: String, error: any Error) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
        if isDirectory.boolValue { return "is a directory, not a file" }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
        return (error as NSError).localizedDescription
    }
}
