import Benchmarks
import Coordinator
import Foundation
import SweepModel
import SweepStore
import SweepWire

/// `clustersweep bench retry`: retries every job of a big sweep whose jobs all failed, through a
/// coordinator in this process, and runs them to the end with local `noop` workers, measuring
/// what issue #11 asks of every request: how long `retry` takes to answer, how slowly `status`
/// is answered until the last job is done (a second client polls it throughout), the process's
/// peak RSS (the re-queued jobs are held a planning window at a time), and whether the loop ever
/// logged that it was busy. Side by side, the same re-queueing done by the store in one
/// transaction (`ResultStore.retry`, on a copy of the file, before the coordinator starts): what
/// one loop turn would have held if the retry were not sliced.
public struct RetryBenchmark {
    public struct Configuration: Sendable {
        public var jobs = 200_000
        public var workers = 2
        public var slots = 8
        /// This binary, run as the workers (`clustersweep worker`).
        public var workerExecutable: URL

        public init(workerExecutable: URL) {
            self.workerExecutable = workerExecutable
        }
    }

    public struct Result: Sendable {
        public var jobs: Int
        public var workers: Int
        public var slots: Int
        public var requeued: Int
        public var retrySeconds: Double
        /// From the retry's request until every job was final again.
        public var runSeconds: Double
        public var completed: Int
        public var peakResidentBytes: Int
        /// RSS just before the retry (the synthetic sweep written, the coordinator up).
        public var residentBytesBefore: Int
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
                "bench retry: \(jobs) failed noop jobs retried and run again by \(workers) workers × \(slots) slots, "
                    + "coordinator in this process",
                "retry answered in \(ms(retrySeconds)) (client wall time): \(requeued) jobs re-queued, "
                    + "\(pendingAfter) counted pending in the first status after it",
                String(format: "every job final again %.2f s after the retry (%d completed; %.0f jobs/s)",
                    runSeconds, completed, Double(completed) / max(runSeconds, 1e-9)),
                "status: \(statusCalls) requests until then; slowest \(ms(slowestStatusSeconds)), p99 \(ms(p99StatusSeconds))",
                String(format: "process RSS %.1f MB before the retry, peak %.1f MB during it (coordinator and this benchmark's clients; workers apart)",
                    Double(residentBytesBefore) / 1_048_576, Double(peakResidentBytes) / 1_048_576),
                "\"loop was busy\" notices: \(busyNotices)",
                String(format: "the same re-queueing in one store transaction (ResultStore.retry, no loop): %.2f s", oneTransactionSeconds),
            ]
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    public func run() throws(BenchmarkFailure) -> Result {
        let directory = try BenchmarkFailure.scratchDirectory(for: "retry")
        defer { try? FileManager.default.removeItem(at: directory) }
        let statePath = directory.appendingPathComponent("state.sqlite").path
        let copyPath = directory.appendingPathComponent("copy.sqlite").path
        let sweep: SweepRecord
        do {
            sweep = try SyntheticSweep.write(to: statePath, jobs: configuration.jobs, trainEvery: 0, failed: true)
            try FileManager.default.copyItem(atPath: statePath, toPath: copyPath)
            for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: statePath + suffix) {
                try FileManager.default.copyItem(atPath: statePath + suffix, toPath: copyPath + suffix)
            }
        } catch {
            throw .setUp("cannot prepare the failed sweep: \(error)")
        }

        let (logger, busy) = BusyNoticeCounter.logger(label: "clustersweep.coordinator")
        let coordinator: EmbeddedCoordinator
        let endpoint: String
        let pool: LocalWorkerPool
        do {
            coordinator = try EmbeddedCoordinator(
                configuration: CoordinatorConfiguration(bind: "tcp://127.0.0.1:0", statePath: statePath), logger: logger)
            endpoint = try coordinator.waitUntilReady()
            pool = try LocalWorkerPool(
                count: configuration.workers, executable: configuration.workerExecutable, endpoint: endpoint,
                slots: configuration.slots, logDirectory: directory)
        } catch {
            throw .setUp("\(error)")
        }
        defer {
            coordinator.stop(shutdownWorkers: false)
            pool.stop(grace: .zero)
        }

        let poller = StatusPoller(endpoint: endpoint)
        defer { poller.cancel() }
        do {
            let client = try SweepClient(endpoint: endpoint, timeoutSeconds: 60)
            let residentBefore = ProcessMemory.residentBytes(of: getpid())
            let start = ContinuousClock.now
            let retried = try client.retry(sweep.id, failed: true, cancelled: false)
            let retrySeconds = (ContinuousClock.now - start).seconds
            let pending = try client.sweepStatus(sweep.id).sweep.counts.pending
            var counts = ClientReply.JobCounts()
            while true {
                counts = try client.sweepStatus(sweep.id).sweep.counts
                if counts.finished == counts.total { break }
                if let error = poller.error { throw BenchmarkFailure.setUp("the status poller failed: \(error)") }
                Thread.sleep(forTimeInterval: 0.05)
            }
            let runSeconds = (ContinuousClock.now - start).seconds
            let taken = poller.stop()
            if let error = taken.error { throw BenchmarkFailure.setUp("the status poller failed: \(error)") }
            // Last, so its memory (every re-queued job read back at once) is not in the peak above.
            let copy = try ResultStore(path: copyPath)
            let oneTransactionStart = ContinuousClock.now
            _ = try copy.retry(sweep: sweep.id, statuses: [.failed], maxAttempts: nil)
            let oneTransactionSeconds = (ContinuousClock.now - oneTransactionStart).seconds
            return Result(
                jobs: configuration.jobs, workers: configuration.workers, slots: configuration.slots, requeued: retried.failed,
                retrySeconds: retrySeconds, runSeconds: runSeconds, completed: counts.completed,
                peakResidentBytes: taken.peakResidentBytes, residentBytesBefore: residentBefore, statusCalls: taken.latencies.count,
                slowestStatusSeconds: taken.slowest, p99StatusSeconds: taken.p99,
                busyNotices: busy.notices, oneTransactionSeconds: oneTransactionSeconds, pendingAfter: pending)
        } catch let failure as BenchmarkFailure {
            throw failure
        } catch let error as SweepClientError {
            throw .client(error)
        } catch {
            throw .setUp("\(error)")
        }
    }
}
