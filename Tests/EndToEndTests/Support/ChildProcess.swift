import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real `clustersweep` process started by a test, with its output captured to files so that a
/// chatty child can never block on a full pipe.
final class ChildProcess {
    let process = Process()
    let stdoutURL: URL
    let stderrURL: URL
    let arguments: [String]

    /// The `clustersweep` binary built next to the test bundle (`.build/<config>/clustersweep`).
    static var binary: URL {
        get throws {
            var dir = Bundle.main.bundleURL
            for _ in 0..<4 {
                let candidate = dir.appendingPathComponent("clustersweep")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                dir.deleteLastPathComponent()
            }
            // `swift test` runs the test bundle from .build/<triple>/debug; fall back to the
            // package's .build/debug, found from this source file.
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let fallback = root.appendingPathComponent(".build/debug/clustersweep")
            if FileManager.default.isExecutableFile(atPath: fallback.path) { return fallback }
            throw HarnessError("clustersweep binary not found near \(Bundle.main.bundleURL.path); run `swift build` first")
        }
    }

    /// Starts `clustersweep ARGUMENTS`; with a `launcher` (e.g. `ip netns exec NAME`), starts
    /// `LAUNCHER clustersweep ARGUMENTS` instead (the launcher must exec the binary in place).
    init(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:], name: String,
        launcher: [String] = []
    ) throws {
        self.arguments = arguments
        stdoutURL = directory.appendingPathComponent("\(name).stdout")
        stderrURL = directory.appendingPathComponent("\(name).stderr")
        FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        if let tool = launcher.first {
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = Array(launcher.dropFirst()) + [try ChildProcess.binary.path] + arguments
        } else {
            process.executableURL = try ChildProcess.binary
            process.arguments = arguments
        }
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CLUSTERSWEEP_COORDINATOR")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Sends a signal (e.g. `SIGKILL`, `SIGSTOP`, `SIGTERM`).
    func signal(_ sig: Int32) {
        kill(process.processIdentifier, sig)
    }

    /// Waits for the process to exit, killing it after `timeout` seconds; returns its exit status.
    @discardableResult
    func wait(timeout: Double) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                signal(SIGKILL)
                process.waitUntilExit()
                throw HarnessError("\(arguments.joined(separator: " ")) did not exit within \(timeout) s\nstderr:\n\(stderr.suffix(3000))")
            }
            usleep(20_000)
        }
        return process.terminationStatus
    }

    /// Waits until `predicate` holds on the process's stdout (or stderr), polling.
    func waitForOutput(timeout: Double, _ predicate: (String) -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !predicate(stdout + stderr) {
            if Date() > deadline {
                throw HarnessError("timed out waiting for output of \(arguments.joined(separator: " "))\nstdout:\n\(stdout.suffix(2000))\nstderr:\n\(stderr.suffix(2000))")
            }
            if !process.isRunning && !predicate(stdout + stderr) {
                throw HarnessError("process exited (\(process.terminationStatus)) before the expected output\nstderr:\n\(stderr.suffix(3000))")
            }
            usleep(20_000)
        }
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Runs a `clustersweep` command to completion and returns its exit status and output.
func runCommand(_ arguments: [String], in directory: URL, environment: [String: String] = [:], timeout: Double = 60) throws -> (status: Int32, stdout: String, stderr: String) {
    let child = try ChildProcess(arguments, in: directory, environment: environment, name: "cmd-\(UUID().uuidString.prefix(8))")
    let status = try child.wait(timeout: timeout)
    return (status, child.stdout, child.stderr)
}

/// A fresh temporary directory per test, removed by the caller via `defer`.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("clustersweep-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it back, close).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw HarnessError("socket() failed") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw HarnessError("bind() failed") }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    guard named == 0 else { throw HarnessError("getsockname() failed") }
    return Int(UInt16(bigEndian: addr.sin_port))
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
