import Foundation
import ZeroMQ

/// Temporary directories and key files for the security tests.
enum SecurityFixture {
    /// A fresh empty directory under the system temporary directory.
    static func directory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("curve-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Writes `text` to `name` in `directory` and returns the path.
    @discardableResult
    static func write(_ text: String, to name: String, in directory: String, mode: Int = 0o600) throws -> String {
        let path = (directory as NSString).appendingPathComponent(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    static func remove(_ directory: String) {
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func key() throws -> CurveKeyPair { try CurveKeyPair.generate() }
}
