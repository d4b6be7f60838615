import Foundation
import Logging

/// Worker processes of the `clustersweep` binary on this machine, for the embedded `run` mode and
/// benchmarks: real processes talking ZeroMQ to the coordinator, exactly as on a cluster.
///
/// Each worker's standard output and error go to `worker-N.log` in the log directory. `stop`
/// waits for them to exit (they do after the coordinator's `shutdown`), then sends SIGTERM, then
/// SIGKILL, so no child outlives the run.
public final class LocalWorkerPool {
    public let processes: [Process]

    /// Starts `count` workers connecting to `endpoint`, each with `slots` job slots.
    public init(
        count: Int, executable: URL, endpoint: String, slots: Int, logDirectory: URL, extraArguments: [String] = []
    ) throws {
        var started: [Process] = []
        for index in 1...max(1, count) {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["worker", "--connect", endpoint, "--slots", String(slots), "--log-level", "warning"] + extraArguments
            let logURL = logDirectory.appendingPathComponent("worker-\(index).log")
            _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
            let log = try FileHandle(forWritingTo: logURL)
            log.seekToEndOfFile()
            process.standardOutput = log
            process.standardError = log
            process.standardInput = FileHandle.nullDevice
            do {
                try process.run()
            } catch {
                for running in started { running.terminate() }
                throw LocalRunError.cannotStartWorker(executable.path, reason: "\(error)")
            }
            started.append(process)
        }
        processes = started
    }

    /// Process ids, for measurements (e.g. RSS from /proc).
    public var pids: [Int32] { processes.map(\.processIdentifier) }

    /// Asks every worker to leave (SIGTERM: each finishes or hands back its jobs and says
    /// goodbye) without waiting; `stop` then waits for them.
    public func requestStop() {
        for process in processes where process.isRunning { process.terminate() }
    }

    /// Waits up to `grace` for every worker to exit, then terminates the rest (SIGTERM, and
    /// SIGKILL two seconds later).
    public func stop(grace: Duration = .seconds(10)) {
        let deadline = ContinuousClock.now + grace
        while processes.contains(where: \.isRunning), ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        for process in processes where process.isRunning { process.terminate() }
        let killDeadline = ContinuousClock.now + .seconds(2)
        while processes.contains(where: \.isRunning), ContinuousClock.now < killDeadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        for process in processes where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit {
        for process in processes where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
    }

    /// The worker logs (`worker-N.log`) in `directory`, in worker order.
    public static func logFiles(in directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix("worker-") && $0.hasSuffix(".log") }
            .sorted { $0.localizedStandardCompare($1) == .orderedAscending }
            .map { directory.appendingPathComponent($0) }
    }
}
