import Benchmarks
import Coordinator
import Foundation
import SweepModel
import SweepStore
import SweepWire
import Synchronization

/// `clustersweep bench retry`: re-queues every job of a big sweep whose jobs all failed, through
/// a coordinator in this process (no workers), and measures what issue #11 asks of every request:
/// how long `retry` takes to answer, how slowly `status` is answered meanwhile (a second client
/// polls it throughout), and whether the loop ever logged that it was busy. Side by side, the
/// same re-queueing done by the store in one transaction (`ResultStore.retry`, on a copy of the
/// file): the time one loop turn would hold if the retry were not sliced.
public struct RetryBenchmark {
    public struct Configuration: Sendable {
        public var jobs = 200_000

        public init() {}
    }

    public struct Result: Sendable {
        public var jobs: Int
        public var requeued: Int
        public var retrySeconds: Double
        public var statusCalls: Int
        public var slowestStatusSeconds: Double
        public var p99StatusSeconds: Double
        public var busyNotices: Int
        public var oneTransactionSeconds: Double
        public var pendingAfter: Int

        /// The lines `bench retry` prints.
        public var lines: [String] {
            func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
            return [
                "bench retry: \(jobs) failed noop jobs re-queued, no workers, coordinator in this process",
                String(format: "retry answered in %.2f s (client wall time; %d jobs re-queued, %d pending after)",
                    retrySeconds, requeued, pendingAfter),
                "status: \(statusCalls) requests during the retry; slowest \(ms(slowestStatusSeconds)), p99 \(ms(p99StatusSeconds))",
                "\"loop was busy\" notices: \(busyNotices)",
                String(format: "the same re-queueing in one store transaction (ResultStore.retry, no loop): %.2f s", oneTransactionSeconds),
            ]
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case setUp(String)
        case client(SweepClientError)

        public var description: String {
            switch self {
            case .setUp(let text): "bench retry: \(text)"
            case .client(let error): "bench retry: \(error)"
            }
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    private struct Samples: Sendable {
        var latencies: [Double] = []
        var stop = false
        var error: String?
    }

    public func run() throws(Failure) -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clustersweep-bench-retry-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .setUp("cannot create \(directory.path): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let statePath = directory.appendingPathComponent("state.sqlite").path
        let copyPath = directory.appendingPathComponent("copy.sqlite").path
        let sweep: SweepRecord
        let oneTransactionSeconds: Double
        do {
            sweep = try SyntheticSweep.write(to: statePath, jobs: configuration.jobs, trainEvery: 0, failed: true)
            try FileManager.default.copyItem(atPath: statePath, toPath: copyPath)
            for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: statePath + suffix) {
                try FileManager.default.copyItem(atPath: statePath + suffix, toPath: copyPath + suffix)
            }
            let copy = try ResultStore(path: copyPath)
            let start = ContinuousClock.now
            _ = try copy.retry(sweep: sweep.id, statuses: [.failed], maxAttempts: nil)
            oneTransactionSeconds = (ContinuousClock.now - start).seconds
        } catch {
            throw .setUp("cannot prepare the failed sweep: \(error)")
        }

        let (logger, busy) = BusyNoticeCounter.logger(label: "clustersweep.coordinator")
        let coordinator: EmbeddedCoordinator
        let endpoint: String
        do {
            coordinator = try EmbeddedCoordinator(
                configuration: CoordinatorConfiguration(bind: "tcp://127.0.0.1:0", statePath: statePath), logger: logger)
            endpoint = try coordinator.waitUntilReady()
        } catch {
            throw .setUp("\(error)")
        }
        defer { coordinator.stop(shutdownWorkers: false) }

        let samples = Mutex(Samples())
        let poller = Thread {
            do {
                let client = try SweepClient(endpoint: endpoint, timeoutSeconds: 30)
                while !samples.withLock({ $0.stop }) {
                    let start = ContinuousClock.now
                    _ = try client.status()
                    let seconds = (ContinuousClock.now - start).seconds
                    samples.withLock { $0.latencies.append(seconds) }
                    Thread.sleep(forTimeInterval: 0.01)
                }
            } catch {
                samples.withLock { $0.error = "\(error)" }
            }
        }
        poller.start()
        defer { samples.withLock { $0.stop = true } }
        do {
            let client = try SweepClient(endpoint: endpoint, timeoutSeconds: 300)
            let start = ContinuousClock.now
            let retried = try client.retry(sweep.id, failed: true, cancelled: false)
            let retrySeconds = (ContinuousClock.now - start).seconds
            samples.withLock { $0.stop = true }
            Thread.sleep(forTimeInterval: 0.05)
            let taken = samples.withLock { $0 }
            if let error = taken.error { throw Failure.setUp("the status poller failed: \(error)") }
            let pending = try client.sweepStatus(sweep.id).sweep.counts.pending
            let sorted = taken.latencies.sorted()
            return Result(
                jobs: configuration.jobs, requeued: retried.failed, retrySeconds: retrySeconds, statusCalls: sorted.count,
                slowestStatusSeconds: sorted.last ?? 0,
                p99StatusSeconds: sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))],
                busyNotices: busy.notices, oneTransactionSeconds: oneTransactionSeconds, pendingAfter: pending)
        } catch let failure as Failure {
            throw failure
        } catch let error as SweepClientError {
            throw .client(error)
        } catch {
            throw .setUp("\(error)")
        }
    }
}
