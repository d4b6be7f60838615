import Foundation

/// The users allowed in by HTTP basic auth, read from a password file of `user:password` lines
/// (`#` starts a comment). The file must not be readable by group or others.
public struct BasicAuthCredentials: Sendable, Equatable {
    private var users: [String: [UInt8]]

    public init(users: [String: String]) {
        self.users = users.mapValues { Array($0.utf8) }
    }

    /// Parses a password file's text; `path` names it in errors.
    public init(parsing text: String, path: String) throws(DashboardError) {
        var users: [String: String] = [:]
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                  line.index(after: colon) != line.endIndex
            else {
                throw .passwordFile(path: path, reason: "line \(number + 1): expected 'user:password'")
            }
            users[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        guard !users.isEmpty else { throw .passwordFile(path: path, reason: "no 'user:password' line") }
        self.init(users: users)
    }

    /// Reads and parses the file at `path`, refusing one that group or others may read.
    public static func read(path: String) throws(DashboardError) -> BasicAuthCredentials {
        let attributes: [FileAttributeKey: Any]
        let data: Data
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .passwordFile(path: path, reason: "cannot read it (\(error.localizedDescription))")
        }
        if let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw .passwordFile(path: path, reason: String(format: "mode %o lets others read it; chmod 600 it", mode))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .passwordFile(path: path, reason: "not UTF-8 text")
        }
        return try BasicAuthCredentials(parsing: text, path: path)
    }

    /// Whether an `Authorization` header value carries a known user and its password. The
    /// password comparison takes the same time wherever the first difference is.
    public func accepts(authorization: String?) -> Bool {
        guard let authorization, authorization.count < 4096 else { return false }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let decoded = Data(base64Encoded: String(parts[1])),
              let text = String(data: decoded, encoding: .utf8),
              let colon = text.firstIndex(of: ":")
        else { return false }
        let user = String(text[..<colon])
        let given = Array(text[text.index(after: colon)...].utf8)
        guard let expected = users[user] else { return false }
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for i in 0..<expected.count { difference |= expected[i] ^ (i < given.count ? given[i] : 0) }
        return difference == 0
    }
}
