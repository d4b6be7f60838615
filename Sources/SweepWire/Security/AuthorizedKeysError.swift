/// Why an authorized keys file was not accepted, naming the file and, for a bad line, its number.
public enum AuthorizedKeysError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read at all (missing, a directory, no permission, not UTF-8).
    case unreadable(path: String, reason: String)
    /// One line is wrong; `line` counts from 1.
    case invalidLine(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "authorized keys file \(path): \(reason)"
        case .invalidLine(let path, let line, let reason):
            "\(path):\(line): \(reason)"
        }
    }
}
