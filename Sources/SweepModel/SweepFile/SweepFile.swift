import Foundation
import Yams

/// Reads and validates sweep files (YAML, or the same structure as JSON) into `SweepSpec`s, so
/// that nothing runs unless the whole file is right, and every problem names file, line and key.
public enum SweepFile {
    /// Largest sweep file accepted, in bytes. Real files are a few hundred bytes.
    public static let maxBytes = 1 << 20
    /// Deepest nesting of lists and mappings accepted. A sweep file needs 4; the limit keeps a
    /// hostile file from exhausting the stack of the recursive YAML composer.
    public static let maxNesting = 64

    /// Parses and validates `text`; `sourceName` (e.g. `configs/paper.yaml`) names the file in
    /// errors. JSON is read by the same YAML parser (JSON is YAML's flow style), so JSON files get
    /// the same checks and line numbers.
    public static func parse(text: String, sourceName: String) throws(SweepFileError) -> SweepSpec {
        func fail(_ line: Int?, _ column: Int?, _ reason: String) -> SweepFileError {
            SweepFileError(SweepFileProblem(file: sourceName, line: line, column: column, keyPath: nil, reason: reason))
        }
        let size = text.utf8.count
        guard size <= maxBytes else {
            throw fail(nil, nil, "the file has \(size) bytes; a sweep file may have at most \(maxBytes)")
        }
        if let finding = TextPrescan.firstProblem(in: text, maxNesting: maxNesting) {
            throw fail(finding.line, finding.column, finding.reason)
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw SweepFileError(YamlErrorLocation.problem(from: error, file: sourceName, text: text))
        } catch {
            throw fail(1, 1, "cannot parse the file: \(error)")
        }
        guard let root else {
            throw fail(1, 1, "the file is empty; a sweep file needs at least version: 1 and name:")
        }
        var reader = SweepFileReader(file: sourceName)
        let spec = reader.read(root: root)
        let problems = reader.sortedProblems
        if let first = problems.first {
            throw SweepFileError(first, Array(problems.dropFirst()))
        }
        guard let spec else {
            throw fail(1, 1, "the file could not be read as a sweep")
        }
        return spec
    }

    /// Reads the file at `path` and parses it; errors name the file as `path` was written.
    public static func load(path: String) throws(SweepFileError) -> SweepSpec {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw SweepFileError(SweepFileProblem(
                file: path, line: nil, column: nil, keyPath: nil,
                reason: "is a directory; give a sweep file (YAML or JSON), e.g. configs/paper.yaml"))
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path)
                ? "cannot read the file (\(FileManager.default.isReadableFile(atPath: path) ? "\(error)" : "permission denied"))"
                : "no such file"
            throw SweepFileError(SweepFileProblem(file: path, line: nil, column: nil, keyPath: nil, reason: reason))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SweepFileError(SweepFileProblem(
                file: path, line: nil, column: nil, keyPath: nil, reason: "the file is not valid UTF-8 text"))
        }
        return try parse(text: text, sourceName: path)
    }
}
