import Foundation

/// A failure the user must read. ArgumentParser prints it as `Error: <message>` on standard error
/// and exits with status 1. Library errors become this only here, at the CLI edge.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ message: String) {
        description = message
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Writes to standard output unbuffered (progress lines must appear at once, also in a pipe).
func writeOut(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}
