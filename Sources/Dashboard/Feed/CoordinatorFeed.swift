import Foundation
import Logging
import SweepModel
import SweepWire
import Synchronization
import Reporting

/// The one thread that talks to the coordinator for the live view (ZeroMQ sockets belong to one
/// thread): it polls the status, reads each open sweep's newly finished jobs page by page
/// (`SweepClient.results`), updates the aggregates and metrics, and publishes a snapshot.
///
/// HTTP handlers never call it; they read `DashboardState`. Each poll costs the coordinator one
/// status request and a bounded page per open sweep with new results, whatever the sweeps' size.
public final class CoordinatorFeed: Sendable {
    private let configuration: DashboardConfiguration
    private let state: DashboardState
    private let metrics: DashboardMetrics
    private let logger: Logger
    private let stopped = Atomic<Bool>(false)
    private let finished = Mutex<Bool>(false)
    private let finishedCondition = NSCondition()

    public init(configuration: DashboardConfiguration, state: DashboardState, metrics: DashboardMetrics, logger: Logger) {
        self.configuration = configuration
        self.state = state
        self.metrics = metrics
        self.logger = logger
    }

    /// Starts the polling thread.
    public func start() {
        let thread = Thread { [self] in
            loop()
            finishedCondition.lock()
            finished.withLock { $0 = true }
            finishedCondition.broadcast()
            finishedCondition.unlock()
        }
        thread.name = "dashboard-feed"
        thread.start()
    }

    /// Asks the thread to stop and waits for it (at most one request timeout plus a poll).
    public func stop() {
        stopped.store(true, ordering: .relaxed)
        finishedCondition.lock()
        let deadline = Date().addingTimeInterval(configuration.requestTimeoutSeconds + 2)
        while !finished.withLock({ $0 }) && finishedCondition.wait(until: deadline) {}
        finishedCondition.unlock()
    }

    private var isStopped: Bool { stopped.load(ordering: .relaxed) }

    /// How often an ended sweep whose last read found nothing is read again.
    static let endedSweepReadInterval = Duration.seconds(2)

    // MARK: - The loop

    private func loop() {
        var client: SweepClient?
        var trackers: [SweepID: SweepTracker] = [:]
        var workers: [LiveWorker] = []
        var lastWorkers: ContinuousClock.Instant?
        var snapshot = state.snapshot
        let clock = ContinuousClock()
        let poll = Duration.milliseconds(Int64(configuration.pollSeconds * 1000))
        let statisticsInterval = Duration.milliseconds(Int64(configuration.statisticsSeconds * 1000))
        while !isStopped {
            let started = clock.now
            do throws(SweepClientError) {
                if client == nil {
                    client = try SweepClient(
                        endpoint: configuration.coordinator, timeoutSeconds: configuration.requestTimeoutSeconds,
                        curve: configuration.curve)
                }
                guard let client else { break }
                let status = try client.status()
                if lastWorkers.map({ started - $0 >= .milliseconds(Int64(configuration.workersPollSeconds * 1000)) }) ?? true {
                    workers = try client.workers().map {
                        LiveWorker(
                            host: $0.host, pid: $0.pid, slots: $0.slots, kernelFamily: $0.kernelFamily, running: $0.running,
                            completed: $0.completed, lastSeen: $0.lastSeen)
                    }
                    lastWorkers = started
                }
                metrics.record(status)
                for sweep in status.sweeps {
                    var tracker = trackers[sweep.sweep] ?? SweepTracker(id: sweep.sweep)
                    let quiet = sweep.hasEnded && tracker.lastEmptyRead.map { started - $0 < Self.endedSweepReadInterval } == true
                    if !quiet {
                        for _ in 0..<configuration.pagesPerPoll {
                            let page = try client.results(sweep.sweep, after: tracker.cursor)
                            for seconds in tracker.ingest(page, failuresKept: configuration.failuresKept) {
                                metrics.recordJobDuration(seconds: seconds)
                            }
                            tracker.lastEmptyRead = page.jobs.isEmpty && !page.more ? started : nil
                            if !page.more || isStopped { break }
                        }
                    }
                    tracker.refreshIfDue(now: clock.now, interval: statisticsInterval)
                    trackers[sweep.sweep] = tracker
                }
                snapshot.coordinatorUp = true
                snapshot.problem = nil
                snapshot.status = status
                snapshot.workers = workers
                snapshot.sweeps = status.sweeps.map { sweep in
                    let tracker = trackers[sweep.sweep] ?? SweepTracker(id: sweep.sweep)
                    return LiveSweep(
                        id: sweep.sweep, name: sweep.name, counts: sweep.counts, jobsPerSecond: sweep.jobsPerSecond,
                        etaSeconds: sweep.etaSeconds, cancelled: sweep.cancelled, ended: sweep.hasEnded,
                        observed: tracker.effect.observedJobs, verdicts: tracker.verdicts,
                        headlineSVG: tracker.headlineSVG, kaplanMeierSVG: tracker.kaplanMeierSVG,
                        failures: tracker.failures)
                }
            } catch {
                if case .transport = error {
                    // A timed-out DEALER may hold a late reply: start over with a fresh socket.
                    client = nil
                }
                metrics.recordDown()
                snapshot.coordinatorUp = false
                snapshot.problem = error.description
                logger.warning("the coordinator did not answer", metadata: ["error": "\(error)"])
            }
            snapshot.generatedAt = Date()
            state.publish(snapshot)
            let next = started + poll
            while !isStopped && clock.now < next {
                Thread.sleep(forTimeInterval: min(0.05, max(0.001, (next - clock.now).seconds)))
            }
        }
    }
}
