import Foundation
import Reporting
import SweepModel
import SweepWire
import Charts

/// One sweep's incremental aggregate: where its finished jobs have been read up to, its live
/// statistics (`LiveDimensionEffect`), its recent failures and its rendered charts.
struct SweepTracker {
    let id: SweepID
    /// The finish-log position read up to.
    var cursor: Int64 = 0
    /// When a read last found nothing new (an ended sweep is then read again only now and then:
    /// the coordinator may report it ended a moment before its last results are committed).
    var lastEmptyRead: ContinuousClock.Instant?
    var effect = LiveDimensionEffect()
    var failures: [LiveFailure] = []
    var verdicts: [String] = []
    var headlineSVG: String?
    var kaplanMeierSVG: [String] = []
    var lastComputed: ContinuousClock.Instant?
    /// Jobs whose stored text did not decode (a newer or damaged store); left out of the statistics.
    var undecodable = 0

    init(id: SweepID) { self.id = id }

    /// Adds a page of finished jobs; returns their worker seconds (for the duration histogram).
    mutating func ingest(_ page: ClientReply.Results, failuresKept: Int) -> [Double] {
        cursor = max(cursor, page.cursor)
        var seconds: [Double] = []
        for finished in page.jobs {
            // A result without a train summary (noop, sleep) feeds only the duration histogram:
            // its parameters are not decoded at all.
            if finished.status.isCompleted, let result = try? finished.result(), result.summary == nil {
                seconds.append(result.seconds)
                continue
            }
            guard let record = try? finished.record() else {
                undecodable += 1
                continue
            }
            let job = ReportJob(record: record)
            if record.status == .failed {
                failures.insert(
                    LiveFailure(
                        job: String(record.id.rawValue.prefix(12)),
                        parameters: job.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                            .joined(separator: " "),
                        error: String((finished.error ?? "no error text").prefix(500)),
                        at: finished.completedAt),
                    at: 0)
                if failures.count > failuresKept { failures.removeLast(failures.count - failuresKept) }
            } else {
                effect.add(job)
                if let s = job.workerSeconds { seconds.append(s) }
            }
        }
        return seconds
    }

    /// Recomputes statistics and charts if results arrived and `interval` has passed.
    mutating func refreshIfDue(now: ContinuousClock.Instant, interval: Duration) {
        guard effect.needsRefresh else { return }
        if let last = lastComputed, now - last < interval { return }
        lastComputed = now
        let (series, verdicts) = effect.refresh()
        self.verdicts = verdicts.map(\.sentence)
        headlineSVG = series.isEmpty ? nil : ReportFigures.headline(dimensionEffect: series).render()
        let labels = ReportFigures.seriesLabels(series.map(\.parameters))
        kaplanMeierSVG = zip(series, labels).map { entry, label in
            let title = series.count > 1 ? "Kaplan–Meier: \(label)" : "Kaplan–Meier curves (\(entry.metric))"
            return ReportFigures.kaplanMeier(entry, title: title).render()
        }
    }
}
