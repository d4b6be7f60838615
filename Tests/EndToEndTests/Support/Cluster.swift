import Foundation
import SweepModel
import SweepStore

/// A coordinator process and worker processes on loopback, as the fault tests drive them: each
/// can be killed, stopped, continued or restarted on its own, exactly as an operator (or a crash)
/// would.
final class LocalTestCluster {
    let directory: URL
    let port: Int
    let statePath: String
    var coordinator: ChildProcess?
    var workers: [ChildProcess] = []
    private var restarts = 0
    private var workerCount = 0

    /// The address the coordinator binds (loopback unless a test gives another local address).
    let host: String

    var endpoint: String { "tcp://\(host):\(port)" }
    var clientEnvironment: [String: String] { ["CLUSTERSWEEP_COORDINATOR": endpoint] }

    /// A cluster in a fresh directory; `host` is a local address to bind (default loopback),
    /// `statePath` a state file elsewhere (e.g. on a test mount; default in the directory).
    init(host: String = "127.0.0.1", statePath: String? = nil) throws {
        directory = try makeTemporaryDirectory()
        port = try freeLoopbackPort()
        self.host = host
        self.statePath = statePath ?? directory.appendingPathComponent("state.sqlite").path
    }

    deinit {
        for worker in workers { worker.signal(SIGKILL) }
        coordinator?.signal(SIGKILL)
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts (or restarts) the coordinator on the same port and state file; waits until it listens.
    func startCoordinator() throws {
        restarts += 1
        // A test network (a veth pair of the test's own) is not loopback: say it is trusted.
        let trust = host.hasPrefix("127.") ? [] : ["--insecure"]
        let process = try ChildProcess(
            ["coordinator", "--bind", endpoint, "--state", statePath] + trust, in: directory, name: "coordinator-\(restarts)")
        try process.waitForOutput(timeout: 20) { $0.contains("listening") }
        coordinator = process
    }

    /// Starts a worker process; `launcher` runs it through another program (e.g. `ip netns exec`).
    @discardableResult
    func startWorker(slots: Int = 1, launcher: [String] = []) throws -> ChildProcess {
        workerCount += 1
        let worker = try ChildProcess(
            ["worker", "--connect", endpoint, "--slots", String(slots)], in: directory, name: "worker-\(workerCount)",
            launcher: launcher)
        workers.append(worker)
        return worker
    }

    /// Writes a sweep file into the cluster's directory and returns its path.
    func writeSweep(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent("\(name).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// `clustersweep submit`; returns the sweep id.
    func submit(_ path: String) throws -> String {
        let result = try runCommand(["submit", path], in: directory, environment: clientEnvironment)
        guard result.status == 0, let id = result.stdout.split(separator: "\n").last.map(String.init) else {
            throw HarnessError("submit failed (\(result.status)): \(result.stderr)")
        }
        return id
    }

    /// Reads the store file directly (read-only, works while the coordinator runs: WAL).
    func jobRecords(sweep: String) throws -> [JobRecord] {
        let store = try ResultStore(path: statePath, readOnly: true)
        return try store.jobRecords(sweep: SweepID(rawValue: sweep))
    }

    /// Polls the store until every job of the sweep is final (each plan position has its job,
    /// and none is pending or running), or fails after `timeout` seconds.
    func waitUntilFinished(sweep: String, timeout: Double) throws -> [JobRecord] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let store = try ResultStore(path: statePath, readOnly: true)
            let record = try store.sweep(id: SweepID(rawValue: sweep))
            let records = try store.jobRecords(sweep: SweepID(rawValue: sweep))
            if let record, record.unplannedJobs == 0, !records.isEmpty, records.allSatisfy({ $0.status.isFinal }) {
                return records
            }
            if Date() > deadline {
                let open = records.filter { !$0.status.isFinal }.count
                throw HarnessError("sweep not finished after \(timeout) s: \(open) of \(records.count) jobs open\n\(coordinator?.stderr.suffix(3000) ?? "")")
            }
            usleep(100_000)
        }
    }

    /// Waits until some job of the sweep is running on `worker` (by pid in the worker id), per the store.
    func waitForRunningJob(sweep: String, timeout: Double, on worker: ChildProcess? = nil) throws -> JobRecord {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let running = try jobRecords(sweep: sweep).filter { $0.status == .running }
            let match = running.first { record in
                guard let worker, let last = record.attempts.last else { return true }
                return last.worker.rawValue.contains("-\(worker.pid)-")
            }
            if let match { return match }
            usleep(50_000)
        }
        throw HarnessError("no running job within \(timeout) s")
    }
}

/// Invariants every fault test checks on the store at the end: each job exactly once, final,
/// with exactly one completed attempt if it completed, and no more counted attempts than allowed.
func expectExactlyOnce(_ records: [JobRecord], expectedJobs: Int, maxAttempts: Int) -> [String] {
    var problems: [String] = []
    if records.count != expectedJobs { problems.append("expected \(expectedJobs) jobs, store has \(records.count)") }
    if Set(records.map(\.id)).count != records.count { problems.append("a job appears twice") }
    for record in records {
        let completed = record.attempts.filter { $0.outcome == .completed }.count
        let charged = record.attempts.filter { $0.outcome == .error || $0.outcome == .expired }.count
        if record.status.isCompleted && completed != 1 {
            problems.append("job \(record.id.short) has \(completed) completed attempts")
        }
        if record.status.isCompleted && record.result == nil { problems.append("job \(record.id.short) completed without result") }
        if !record.status.isFinal { problems.append("job \(record.id.short) is \(record.status)") }
        if charged > maxAttempts { problems.append("job \(record.id.short) used \(charged) attempts > \(maxAttempts)") }
    }
    return problems
}
