import Foundation

/// Why a run's files could not be read or written: which file, and for a state file the JSON path
/// of the problem.
public enum RunArtifactError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file or directory could not be created or written.
    case cannotWrite(file: String, reason: String)
    /// A file could not be read at all.
    case cannotRead(file: String, reason: String)
    /// A state file is not valid JSON or does not have the state format; `path` is a JSON path
    /// (`layers[1].weights`), empty for the document itself.
    case malformedState(file: String, path: String, reason: String)
    /// The output directory already holds another run's files (listed, at most a few).
    case directoryHoldsAnotherRun(directory: String, files: [String])

    public var description: String {
        switch self {
        case .cannotWrite(let file, let reason): "cannot write \(file): \(reason)"
        case .cannotRead(let file, let reason): "cannot read \(file): \(reason)"
        case .malformedState(let file, let path, let reason):
            path.isEmpty ? "\(file): \(reason)" : "\(file): at \(path): \(reason)"
        case .directoryHoldsAnotherRun(let directory, let files):
            "\(directory) already holds another run's files (\(files.prefix(3).joined(separator: ", "))\(files.count > 3 ? ", ..." : "")); "
                + "choose another directory, or pass --force to replace ClusterSweep's files there (nothing else is touched)"
        }
    }
}
