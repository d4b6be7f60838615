import Foundation

/// Runs a system tool (`ip`, `mount`, ...) to completion for test set-up, throwing with its
/// standard error when it fails, so a broken set-up says what went wrong.
enum SystemCommand {
    struct Failed: Error, CustomStringConvertible {
        var command: String
        var status: Int32
        var stderr: String
        var description: String { "`\(command)` exited \(status): \(stderr)" }
    }

    /// Runs `tool arguments...`; returns standard output.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Tools used here print little; read after exit is safe below the pipe buffer size.
        process.waitUntilExit()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw Failed(command: ([tool] + arguments).joined(separator: " "), status: process.terminationStatus, stderr: stderr)
        }
        return stdout
    }

    /// The first of `candidates` that is an executable file.
    static func find(_ candidates: [String]) -> String? {
        candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// Whether the chaos suites run at full size (`CLUSTERSWEEP_CHAOS=full`, as `make chaos` sets).
enum ChaosSize {
    static let full = ProcessInfo.processInfo.environment["CLUSTERSWEEP_CHAOS"] == "full"

    /// `fast` in `make test`, `full` under `CLUSTERSWEEP_CHAOS=full`.
    static func pick<T>(fast: T, full: T) -> T { Self.full ? full : fast }
}

/// Resident memory of a process, from `/proc/PID/status` (Linux).
enum ProcessMemory {
    /// `VmRSS` in bytes, or `nil` if the process is gone or the line is missing.
    static func residentBytes(of pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kilobytes = Int(fields[1]) { return kilobytes * 1024 }
        }
        return nil
    }

    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }
}
