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
        /// Seconds between progress updates.
        public var progressInterval: Double = 0.25

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
        let client: CoordinatorClient
        do {
            client = try CoordinatorClient(endpoint: endpoint, timeoutSeconds: 30)
        } catch {
            throw .client(error.description)
        }
        let submitted: ClientReply.Submitted
        switch try Self.call(client, .submit(.init(sourceText: text, sourceName: configuration.sweepPath))) {
        case .submitted(let reply): submitted = reply
        case let other: throw .client("unexpected reply '\(other.kind)' to submit")
        }
        logger.info("sweep submitted", metadata: ["sweep": "\(submitted.sweep)", "jobs": "\(submitted.totalJobs)"])

        var status = try Self.status(of: submitted.sweep, client: client)
        if !status.sweep.hasEnded {
            do {
                pool = try LocalWorkerPool(
                    count: configuration.workers, executable: configuration.workerExecutable, endpoint: endpoint,
                    slots: 1, logDirectory: directory)
            } catch let error as LocalRunError {
                throw error
            } catch {
                throw .cannotStartWorker(configuration.workerExecutable.path, reason: "\(error)")
            }
        }
        while true {
            progress(status.sweep, status.workersAlive)
            if status.sweep.hasEnded { break }
            if shouldStop() { throw .interrupted }
            if let failure = coordinator.failure { throw .coordinatorFailed(failure) }
            Thread.sleep(forTimeInterval: configuration.progressInterval)
            status = try Self.status(of: submitted.sweep, client: client)
        }

        let reportFiles: [URL]
        let verdicts: [String]
        switch try Self.call(client, .report(.init(sweep: submitted.sweep))) {
        case .report(let reply):
            let report = SweepReport.build(sweep: reply.sweep, jobs: reply.jobs, generatedAt: Date())
            verdicts = report.verdicts.map(\.sentence)
            do {
                reportFiles = try ReportWriter.write(report, to: directory)
            } catch {
                throw .report("\(error)")
            }
        case let other: throw .client("unexpected reply '\(other.kind)' to report")
        }
        return Outcome(
            sweep: submitted.sweep, name: submitted.name, directory: directory, counts: status.sweep.counts,
            reportFiles: reportFiles, seconds: Self.seconds(ContinuousClock.now - start),
            alreadyDone: submitted.alreadyDone, verdicts: verdicts)
    }

    // MARK: Helpers

    private struct Snapshot {
        var sweep: ClientReply.SweepStatus
        var workersAlive: Int
    }

    private static func status(of sweep: SweepID, client: CoordinatorClient) throws(LocalRunError) -> Snapshot {
        switch try call(client, .status(.init(sweep: sweep))) {
        case .status(let status):
            guard let current = status.sweeps.first(where: { $0.sweep == sweep }) else {
                throw .client("the coordinator does not know sweep \(sweep)")
            }
            return Snapshot(sweep: current, workersAlive: status.workersAlive)
        case let other:
            throw .client("unexpected reply '\(other.kind)' to status")
        }
    }

    private static func call(_ client: CoordinatorClient, _ request: ClientRequest) throws(LocalRunError) -> ClientReply {
        let reply: ClientReply
        do {
            reply = try client.send(request)
        } catch {
            throw .client(error.description)
        }
        if case .error(let failure) = reply { throw .client(failure.message) }
        return reply
    }

    /// A directory name from a sweep name: letters, digits, `-`, `_` and `.` kept, the rest `_`.
    static func directoryName(for name: String) -> String {
        let kept = name.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" }
        let result = String(kept).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return result.isEmpty ? "sweep" : result
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
