import CoreMetrics
import Foundation
import Prometheus
import Synchronization
import SweepModel
import SweepWire

/// The dashboard's Prometheus metrics, recorded through swift-metrics into a
/// swift-prometheus registry of its own and exposed at `/metrics` (docs/METRICS.md).
/// Labels stay few: sweep name and status, never job or worker ids.
public final class DashboardMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let workers: CoreMetrics.Gauge
    private let slots: CoreMetrics.Gauge
    private let up: CoreMetrics.Gauge
    private let duration: CoreMetrics.Timer
    /// (sweep, status) gauges and last seen counts, touched only by the feed thread.
    private let perSweep: Mutex<PerSweep>

    struct PerSweep {
        var gauges: [String: CoreMetrics.Gauge] = [:]
        var finished: [JobStatus: CoreMetrics.Counter] = [:]
        /// Last count seen per sweep id and final status, so the counter grows by the difference.
        var lastFinished: [SweepID: [JobStatus: Int]] = [:]
    }

    /// Buckets of `clustersweep_job_duration_seconds`, in seconds.
    public static let durationBuckets: [Double] = [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600]

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["clustersweep_job_duration_seconds"] = Self.durationBuckets.map {
            Duration.nanoseconds(Int64($0 * 1e9))
        }
        self.factory = factory
        workers = CoreMetrics.Gauge(label: "clustersweep_workers", factory: factory)
        slots = CoreMetrics.Gauge(label: "clustersweep_slots", factory: factory)
        up = CoreMetrics.Gauge(label: "clustersweep_coordinator_up", factory: factory)
        duration = CoreMetrics.Timer(label: "clustersweep_job_duration_seconds", factory: factory)
        perSweep = Mutex(PerSweep())
        up.record(0)
        for status in Self.finalStatuses { _ = counter(status) }
    }

    static let finalStatuses: [JobStatus] = [.clustered, .censored, .diverged, .completed, .failed, .cancelled]

    /// Records a status reply: job gauges, finished counters, workers and slots.
    func record(_ status: ClientReply.Status) {
        up.record(1)
        workers.record(status.workersAlive)
        slots.record(status.slotsAlive)
        let names = Dictionary(grouping: status.sweeps, by: \.name)
        for sweep in status.sweeps {
            let label = (names[sweep.name]?.count ?? 0) > 1 ? "\(sweep.name)@\(sweep.sweep.short)" : sweep.name
            for jobStatus in JobStatus.allCases {
                gauge(sweep: label, status: jobStatus).record(sweep.counts[jobStatus])
            }
            for jobStatus in Self.finalStatuses {
                let count = sweep.counts[jobStatus]
                let grown = perSweep.withLock { state -> Int in
                    let last = state.lastFinished[sweep.sweep]?[jobStatus] ?? 0
                    state.lastFinished[sweep.sweep, default: [:]][jobStatus] = count
                    return max(0, count - last)
                }
                if grown > 0 { counter(jobStatus).increment(by: grown) }
            }
        }
    }

    /// The coordinator did not answer.
    func recordDown() { up.record(0) }

    /// One job's worker-side time.
    func recordJobDuration(seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return }
        duration.recordNanoseconds(Int64(min(seconds, 1e9) * 1e9))
    }

    /// The exposition text (format 0.0.4).
    public func exposition() -> [UInt8] { registry.emitToBuffer() }

    private func gauge(sweep: String, status: JobStatus) -> CoreMetrics.Gauge {
        let key = "\(sweep)\u{0}\(status.rawValue)"
        return perSweep.withLock { state in
            if let gauge = state.gauges[key] { return gauge }
            let gauge = CoreMetrics.Gauge(label: "clustersweep_jobs", dimensions: [("sweep", sweep), ("status", status.rawValue)], factory: factory)
            state.gauges[key] = gauge
            return gauge
        }
    }

    private func counter(_ status: JobStatus) -> CoreMetrics.Counter {
        perSweep.withLock { state in
            if let counter = state.finished[status] { return counter }
            let counter = CoreMetrics.Counter(
                label: "clustersweep_jobs_finished_total", dimensions: [("status", status.rawValue)], factory: factory)
            state.finished[status] = counter
            return counter
        }
    }
}
