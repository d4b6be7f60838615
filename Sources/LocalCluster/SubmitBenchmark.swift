import Coordinator
import Foundation
import Logging
import SweepModel
import SweepStore
import SweepWire

/// `clustersweep bench submit`: submits one big `noop` sweep to a coordinator with no workers
/// and measures what issue #11 promises of a lazy plan: how long `submit` takes, how slowly
/// `status` is answered meanwhile (a second client polls it throughout), the process's RSS, and
/// the store's bytes per job not run yet.
public struct SubmitBenchmark {
    public struct Configuration: Sendable {
        public var jobs = 1_000_000
        /// Seconds `status` keeps being polled after the submit answered (planning goes on).
        public var settleSeconds = 2.0

        public init() {}
    }

    public struct Result: Sendable {
        public var jobs: Int
        public var submitSeconds: Double
        public var statusCalls: Int
        public var slowestStatusSeconds: Double
        public var slowestStatusDuringSubmitSeconds: Double
        public var p99StatusSeconds: Double
        public var peakResidentBytes: Int
        public var storeBytes: Int
        public var plannedJobs: Int
        public var pendingJobs: Int
        public var busyNotices: Int
        /// The `cancel` round trip of the pending sweep (its window of planned jobs included).
        public var cancelSeconds: Double

        /// The lines `bench submit` prints.
        public var lines: [String] {
            func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
            return [
                "bench submit: \(jobs) noop jobs (seeds 0..\(jobs - 1)), no workers, coordinator in this process",
                String(format: "submit answered in %.2f s (client wall time: plan hashed, sweep stored)", submitSeconds),
                "status: \(statusCalls) requests; slowest during the submit \(ms(slowestStatusDuringSubmitSeconds)), "
                    + "slowest overall \(ms(slowestStatusSeconds)), p99 \(ms(p99StatusSeconds))",
                String(format: "process RSS peak %.1f MB (coordinator and this benchmark's two clients)",
                    Double(peakResidentBytes) / 1_048_576),
                String(format: "store: %.2f MB with %d jobs pending (%d planned ahead): %.1f bytes per pending job",
                    Double(storeBytes) / 1_048_576, pendingJobs, plannedJobs, Double(storeBytes) / Double(max(1, pendingJobs))),
                "cancel of the pending sweep answered in \(ms(cancelSeconds)) (round trip, commit included)",
                "\"loop was busy\" notices: \(busyNotices)",
            ]
        }
    }

    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    public func run() throws(BenchmarkFailure) -> Result {
        let directory = try BenchmarkFailure.scratchDirectory(for: "submit")
        defer { try? FileManager.default.removeItem(at: directory) }
        let statePath = directory.appendingPathComponent("state.sqlite").path
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

        let poller = StatusPoller(endpoint: endpoint, marking: true)
        defer { poller.cancel() }

        let submitted: ClientReply.Submitted
        let submitSeconds: Double
        do {
            let client = try SweepClient(endpoint: endpoint, timeoutSeconds: 120)
            let start = ContinuousClock.now
            submitted = try client.submit(
                sourceText: DispatchBenchmark.noopSweep(name: "bench-submit", jobs: configuration.jobs),
                sourceName: "bench-submit.yaml")
            submitSeconds = (ContinuousClock.now - start).seconds
            poller.endMarking()
            Thread.sleep(forTimeInterval: configuration.settleSeconds)
            let status = try client.sweepStatus(submitted.sweep).sweep
            let taken = poller.stop()
            if let error = taken.error { throw BenchmarkFailure.setUp("the status poller failed: \(error)") }
            let storeBytes = ["", "-wal", "-shm"].reduce(0) { total, suffix in
                let attributes = try? FileManager.default.attributesOfItem(atPath: statePath + suffix)
                return total + ((attributes?[.size] as? Int) ?? 0)
            }
            let planned = (try? ResultStore(path: statePath, readOnly: true).sweep(id: submitted.sweep)?.plannedJobs) ?? 0
            let cancelStart = ContinuousClock.now
            _ = try client.cancel(submitted.sweep)
            let cancelSeconds = (ContinuousClock.now - cancelStart).seconds
            return Result(
                jobs: configuration.jobs, submitSeconds: submitSeconds, statusCalls: taken.latencies.count,
                slowestStatusSeconds: taken.slowest, slowestStatusDuringSubmitSeconds: taken.marked.max() ?? 0,
                p99StatusSeconds: taken.p99, peakResidentBytes: taken.peakResidentBytes, storeBytes: storeBytes, plannedJobs: planned,
                pendingJobs: status.counts.pending, busyNotices: busy.notices, cancelSeconds: cancelSeconds)
        } catch let failure as BenchmarkFailure {
            throw failure
        } catch let error as SweepClientError {
            throw .client(error)
        } catch {
            throw .setUp("\(error)")
        }
    }
}
