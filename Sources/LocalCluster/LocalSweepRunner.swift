import Foundation
import Logging
import Reporting
import SweepModel
import SweepWire
import Synchronization

/// The one-machine mode behind `clustersweep run`: an embedded coordinator with its store in the
/// output directory, local worker processes, progress until the sweep ends, then the report.
///
/// Everything goes through the same parts as a cluster (ZeroMQ on loopback, the SQLite store,
/// real worker processes), so a local run is also the smallest end-to-end check. Running again on
/// the same directory resumes: the store keeps every committed result and only the rest runs.
public struct LocalSweepRunner {
    public struct Configuration: Sendable {
        /// The sweep file.
        public var sweepPath: String
        /// Where the store and the report go; `nil`: `runs/<sweep name>/`.
        public var outDirectory: String?
        /// Worker processes to start (one slot each).
        public var workers: Int = ProcessInfo.processInfo.activeProcessorCount
        /// The `clustersweep` executable the workers run.
        public var workerExecutable: URL
        /// More arguments for each `worker` (`run --kernels`: `["--kernels", "avx2"]`).
        public var workerArguments: [String] = []
        /// Seconds between progress updates.
        public var progressInterval: Double = 0.25
        /// Re-queue the sweep's failed jobs (from an earlier run on the same directory) before running.
        public var retryFailed = false
        /// Called with the embedded coordinator's endpoint once it listens (`run --dashboard`).
        public var onCoordinatorReady: @Sendable (String) -> Void = { _ in }
        /// Called once the report is written, before the coordinator stops (`run --dashboard`
        /// keeps the page up here until Ctrl-C).
        public var beforeStopping: @Sendable (_ reportFiles: [URL]) -> Void = { _ in }

        public init(sweepPath: String, workerExecutable: URL) {
            self.sweepPath = sweepPath
            self.workerExecutable = workerExecutable
        }
    }

    /// What a finished local run produced.
    public struct Outcome: Sendable {
        public var sweep: SweepID
        public var name: String
        public var directory: URL
        public var counts: ClientReply.JobCounts
        public var reportFiles: [URL]
        public var seconds: Double
        /// Jobs that had a result before this run started (a resumed run).
        public var alreadyDone: Int
        /// The report's verdict sentences (`SweepReport.verdicts`), in order.
        public var verdicts: [String]
        /// Jobs re-queued by `retryFailed`: the failed ones (and the cancelled ones of a cancelled sweep, which it resumes).
        public var retried: Int
        /// The failed jobs' last errors (up to 5, plan order): what the terminal shows.
        public var failures: [(job: JobID, error: String)]
        /// Where the worker processes' logs are (`worker-N.log`).
        public var workerLogs: [URL]
    }

    public let configuration: Configuration
    public let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs the sweep to the end. `progress` gets each status update; `shouldStop` is polled so a
    /// signal can end the run early (the state stays resumable).
    public func run(
        progress: (ClientReply.SweepStatus, _ workersAlive: Int) -> Void = { _, _ in },
        shouldStop: () -> Bool = { false }
    ) throws(LocalRunError) -> Outcome {
        let start = ContinuousClock.now
        let spec: SweepSpec
        let text: String
        do {
            spec = try SweepFile.load(path: configuration.sweepPath)
            text = try String(contentsOfFile: configuration.sweepPath, encoding: .utf8)
        } catch let error as SweepFileError {
            throw .invalidSweep(error.description)
        } catch {
            throw .invalidSweep("cannot read \(configuration.sweepPath): \(error.localizedDescription)")
        }
        let directory = URL(fileURLWithPath: configuration.outDirectory ?? "runs/\(Self.directoryName(for: spec.name))")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateDirectory(directory.path, reason: error.localizedDescription)
        }
        let coordinator = try EmbeddedCoordinator(
            statePath: directory.appendingPathComponent("state.sqlite").path, logger: logger)
        var pool: LocalWorkerPool?
        defer {
            coordinator.stop(shutdownWorkers: pool != nil)
            pool?.stop()
        }
        let endpoint = try coordinator.waitUntilReady()
        configuration.onCoordinatorReady(endpoint)
        let client: SweepClient
        do {
            client = try SweepClient(endpoint: endpoint, timeoutSeconds: 30)
        } catch {
            throw .client(error)
        }
        // The workers start and connect while the coordinator hashes the plan; if the sweep turns
        // out to have ended already, they are stopped unused.
        do {
            pool = try LocalWorkerPool(
                count: configuration.workers, executable: configuration.workerExecutable, endpoint: endpoint,
                slots: 1, logDirectory: directory, extraArguments: configuration.workerArguments)
        } catch let error as LocalRunError {
            throw error
        } catch {
            throw .cannotStartWorker(configuration.workerExecutable.path, reason: "\(error)")
        }
        let submitted: ClientReply.Submitted
        do {
            submitted = try client.submit(sourceText: text, sourceName: configuration.sweepPath)
        } catch {
            throw .client(error)
        }
        logger.info("sweep submitted", metadata: ["sweep": "\(submitted.sweep)", "jobs": "\(submitted.totalJobs)"])
        var retried = 0
        if configuration.retryFailed {
            // A cancelled sweep's failed jobs would never run in it: `--retry-failed` resumes it
            // (its cancelled jobs come back too), which is what asking to run them again means here.
            let cancelled = try Self.status(of: submitted.sweep, client: client).sweep.cancelled
            do {
                retried = try client.retry(submitted.sweep, failed: true, cancelled: cancelled).requeued
            } catch {
                throw .client(error)
            }
        }

        let first = try Self.status(of: submitted.sweep, client: client)
        progress(first.sweep, first.overall.workersAlive)
        var final = first.sweep
        if !final.hasEnded {
            do {
                final = try client.waitUntilEnded(
                    submitted.sweep, interval: .milliseconds(Int64(configuration.progressInterval * 1000)),
                    progress: { sweep, overall in progress(sweep, overall.workersAlive) },
                    shouldStop: { shouldStop() || coordinator.failure != nil })
            } catch .stopped {
                if let failure = coordinator.failure { throw .coordinatorFailed(failure) }
                throw .interrupted
            } catch {
                throw .client(error)
            }
        }

        // Nothing is left to run: the workers leave (SIGTERM, a graceful goodbye) while the
        // report is written; `stop` below waits for them.
        pool?.requestStop()

        let reportFiles: [URL]
        let verdicts: [String]
        let failures: [(job: JobID, error: String)]
        do throws(ReportError) {
            let sweep = submitted.sweep
            let outcome = try ReportStream.write(to: directory, prefetching: { () throws -> ReportStream.PageReader in
                // The pages are read a page ahead on a thread of their own, with a client of its own.
                let pages = try SweepClient(endpoint: endpoint, timeoutSeconds: 30)
                return { from, limit in
                    let reply = try pages.reportPage(sweep, from: from, limit: limit)
                    return (reply.sweep, reply.page)
                }
            })
            verdicts = outcome.report.verdicts.map(\.sentence)
            failures = outcome.report.digest.failed.prefix(5)
                .map { (JobID(rawValue: $0.jobID), $0.attempts.lastError ?? "(no error text)") }
            reportFiles = outcome.files
        } catch .readFailed(let error as SweepClientError) {
            throw .client(error)
        } catch {
            throw .report("\(error)")
        }
        configuration.beforeStopping(reportFiles)
        return Outcome(
            sweep: submitted.sweep, name: submitted.name, directory: directory, counts: final.counts,
            reportFiles: reportFiles, seconds: (ContinuousClock.now - start).seconds,
            alreadyDone: submitted.alreadyDone, verdicts: verdicts, retried: retried, failures: failures,
            workerLogs: LocalWorkerPool.logFiles(in: directory))
    }

    // MARK: Helpers

    private static func status(
        of sweep: SweepID, client: SweepClient
    ) throws(LocalRunError) -> (sweep: ClientReply.SweepStatus, overall: ClientReply.Status) {
        do {
            return try client.sweepStatus(sweep)
        } catch {
            throw .client(error)
        }
    }

    static func directoryName(for name: String) -> String {
        let kept = name.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" }
        let result = String(kept).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return result.isEmpty ? "sweep" : result
    }
}
