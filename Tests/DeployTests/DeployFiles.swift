import Foundation

/// The repository's `deploy/` folder as the tests see it: where it is and what is in it.
///
/// Found from this source file's path, so the tests read the files of the checkout they were
/// built from, whatever the working directory.
enum DeployFiles {
    /// Why a deploy file could not be read or parsed, with its path.
    struct ReadError: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "\(path): \(reason)" }
    }

    /// The repository root (three levels above this file: Tests/DeployTests/DeployFiles.swift).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let deployFolder = repositoryRoot.appendingPathComponent("deploy")

    /// The text of `deploy/<relativePath>`.
    static func text(_ relativePath: String) throws -> String {
        let url = deployFolder.appendingPathComponent(relativePath)
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ReadError(path: "deploy/\(relativePath)", reason: "cannot read: \(error)")
        }
    }

    /// Every regular file under `deploy/`, as paths relative to it, sorted.
    static func allFiles() throws -> [String] {
        let root = deployFolder.standardizedFileURL.path
        guard let enumerator = FileManager.default.enumerator(atPath: root) else {
            throw ReadError(path: "deploy/", reason: "cannot list the folder")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(relative)
            }
        }
        return files.sorted()
    }
}
