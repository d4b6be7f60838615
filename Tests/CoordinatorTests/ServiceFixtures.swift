import Foundation
import Logging
import SweepModel
import SweepStore
import SweepWire
import Synchronization
import Testing
@testable import Coordinator

/// Paths of the package and its built executable (`swift build` puts it next to the tests).
enum Package {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/clustersweep")

    static func text(of relativePath: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
    }
}

/// A fresh directory for one test's state file, removed when the value goes away.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("coordinator-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var statePath: String { url.appendingPathComponent("state.sqlite").path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Logs warnings and worse to standard error, so test output stays readable.
func testLogger() -> Logger {
    var logger = Logger(label: "coordinator-test") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = .warning
    return logger
}

/// A `CoordinatorService` running on its own thread, as `clustersweep coordinator` runs it.
final class RunningCoordinator: Sendable {
    /// What the service thread reports: the bound endpoint, then how `run()` ended.
    private final class Reports: Sendable {
        let started = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let endpoint = Mutex<String?>(nil)
        let error = Mutex<CoordinatorError?>(nil)
    }

    let service: CoordinatorService
    let endpoint: String
    private let reports = Reports()

    /// Starts on `statePath`, listening on `bind` (a free port by default); waits until bound.
    init(statePath: String, bind: String = "tcp://127.0.0.1:0", configure: (inout CoordinatorConfiguration) -> Void = { _ in })
        throws
    {
        var configuration = CoordinatorConfiguration(bind: bind, statePath: statePath)
        configuration.shutdownGrace = .seconds(2)
        configure(&configuration)
        let service = try CoordinatorService(configuration: configuration, logger: testLogger())
        self.service = service
        let reports = self.reports
        let thread = Thread {
            do throws(CoordinatorError) {
                try service.run { endpoint in
                    reports.endpoint.withLock { $0 = endpoint }
                    reports.started.signal()
                }
            } catch {
                reports.error.withLock { $0 = error }
                reports.started.signal()
            }
            reports.finished.signal()
        }
        thread.start()
        reports.started.wait()
        guard let endpoint = reports.endpoint.withLock({ $0 }) else {
            throw reports.error.withLock { $0 } ?? CoordinatorError.alreadyRan
        }
        self.endpoint = endpoint
    }

    /// How `run()` ended, once it has: `nil` for a clean stop.
    var runError: CoordinatorError? { reports.error.withLock { $0 } }

    /// Asks the service to stop and waits (up to `timeout`) for `run()` to return; `true` if it did.
    @discardableResult
    func stop(shutdownWorkers: Bool = false, timeout: Double = 15) -> Bool {
        service.requestStop(shutdownWorkers: shutdownWorkers)
        return waitUntilReturned(timeout: timeout)
    }

    /// Waits up to `timeout` for `run()` to return (by itself or after a stop request).
    func waitUntilReturned(timeout: Double) -> Bool {
        let returned = reports.finished.wait(timeout: .now() + timeout) == .success
        if returned { reports.finished.signal() }
        return returned
    }

    deinit { stop(timeout: 5) }
}

/// A `clustersweep worker` process connected to a coordinator.
final class WorkerProcess {
    let process = Process()

    init(endpoint: String, slots: Int = 2, extra: [String] = []) throws {
        let binary = Package.binary
        try #require(
            FileManager.default.isExecutableFile(atPath: binary.path),
            "build the executable first: swift build --product clustersweep (expected \(binary.path))")
        process.executableURL = binary
        process.arguments = ["worker", "--connect", endpoint, "--slots", "\(slots)", "--log-level", "warning"] + extra
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Waits up to `timeout` seconds for the process to exit; its status, or `nil` if still running.
    func waitForExit(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }

    func kill(_ signal: Int32 = SIGKILL) {
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
    }

    deinit {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

// MARK: - Client helpers

extension CoordinatorClient {
    /// Submits a sweep file's text; fails the test on any other reply.
    func submit(_ text: String, name: String = "test.yaml") throws -> ClientReply.Submitted {
        let reply = try send(.submit(.init(sourceText: text, sourceName: name)))
        guard case .submitted(let submitted) = reply else {
            throw TestFailure("submit answered \(reply)")
        }
        return submitted
    }

    /// One sweep's status; fails the test on any other reply.
    func status(of sweep: SweepID) throws -> ClientReply.SweepStatus {
        let reply = try send(.status(.init(sweep: sweep)))
        guard case .status(let status) = reply, let first = status.sweeps.first else {
            throw TestFailure("status answered \(reply)")
        }
        return first
    }

    /// Polls until no job of the sweep is pending or running.
    func waitUntilFinished(_ sweep: SweepID, timeout: Double) throws -> ClientReply.SweepStatus {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let status = try status(of: sweep)
            if status.counts.pending + status.counts.running == 0 { return status }
            guard Date() < deadline else { throw TestFailure("sweep not finished after \(timeout) s: \(status.counts)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Polls until `condition` holds for the sweep's status.
    func waitUntil(_ sweep: SweepID, timeout: Double, _ condition: (ClientReply.SweepStatus) -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(try status(of: sweep)) { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw TestFailure("condition not reached within \(timeout) s")
    }

    /// Polls until `count` workers are connected.
    func waitForWorkers(_ count: Int, timeout: Double = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if case .workers(let list) = try send(.workers), list.workers.count >= count { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw TestFailure("\(count) workers did not connect within \(timeout) s")
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// MARK: - Store checks

/// Every job of the sweep completed exactly once: one result, exactly one `completed` attempt,
/// nothing still running; the sweep is marked finished. Returns the job records.
@discardableResult
func expectEveryJobCompletedOnce(statePath: String, sweep: SweepID, jobs: Int) throws -> [JobRecord] {
    let store = try ResultStore(path: statePath, readOnly: true)
    let records = try store.jobRecords(sweep: sweep)
    #expect(records.count == jobs)
    for record in records {
        let completed = record.attempts.filter { $0.outcome == .completed }
        #expect(record.status.isCompleted, "job \(record.id.short) is \(record.status.rawValue)")
        #expect(record.result != nil, "job \(record.id.short) has no result")
        #expect(completed.count == 1, "job \(record.id.short) has \(completed.count) completed attempts: \(record.attempts)")
        #expect(!record.attempts.contains { $0.outcome == .running }, "job \(record.id.short) still has a running attempt")
    }
    #expect(try store.sweep(id: sweep)?.finishedAt != nil, "sweep not marked finished")
    return records
}

/// A sweep file of `jobs` `sleep` jobs of `sleepMs` each.
func sleepSweep(name: String, jobs: Int, sleepMs: Int, maxAttempts: Int = 3) -> String {
    """
    version: 1
    name: \(name)
    kind: sleep
    experiment:
      sleep_ms: \(sleepMs)
    seeds: 0..\(jobs - 1)
    max_attempts: \(maxAttempts)
    job_timeout_seconds: 60
    """
}

/// A sweep file of `jobs` `noop` jobs.
func noopSweep(name: String, jobs: Int) -> String {
    """
    version: 1
    name: \(name)
    kind: noop
    seeds: 0..\(jobs - 1)
    max_attempts: 3
    job_timeout_seconds: 60
    """
}
