import Foundation
import SweepModel
import SweepWire
import Testing
@testable import Dashboard

@Suite struct PageAndMetricsTests {
    static func sweep(_ name: String, id: String, finished: Int, total: Int, failures: [LiveFailure] = []) -> LiveSweep {
        var counts = ClientReply.JobCounts()
        counts.clustered = finished
        counts.pending = total - finished
        return LiveSweep(
            id: SweepID(rawValue: id), name: name, counts: counts, jobsPerSecond: 2.5, etaSeconds: 90, cancelled: false,
            ended: false, observed: finished, verdicts: ["Higher dimension clusters later."],
            headlineSVG: "<svg id=\"h-\(id)\"></svg>", kaplanMeierSVG: ["<svg id=\"km-\(id)\"></svg>"], failures: failures)
    }

    static var snapshot: LiveSnapshot {
        var snapshot = LiveSnapshot()
        snapshot.version = 12
        snapshot.coordinator = "tcp://127.0.0.1:5555"
        snapshot.coordinatorUp = true
        snapshot.status = ClientReply.Status(sweeps: [], workersAlive: 1, slotsAlive: 2, jobsPerSecond: 2.5)
        snapshot.sweeps = [
            sweep("<script>alert(1)</script>", id: "aaaa1111", finished: 3, total: 10,
                  failures: [LiveFailure(job: "abc", parameters: "seed=1", error: "boom <b>", at: nil)]),
            sweep("second", id: "bbbb2222", finished: 5, total: 5),
        ]
        snapshot.workers = [LiveWorker(host: "node-1", pid: 42, slots: 2, running: 1, completed: 7, lastSeen: Date(timeIntervalSince1970: 0))]
        return snapshot
    }

    @Test func page_isAServerRenderedSnapshot_withEverySectionAndEscapedText() {
        let page = DashboardPage.render(Self.snapshot, selected: "aaaa")
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains("<script>alert(1)"))
        #expect(page.contains("3/10 (30.0%)") && page.contains("<progress max=\"10\" value=\"3\">"))
        #expect(page.contains("1m30s"), "ETA")
        #expect(page.contains("<svg id=\"h-aaaa1111\">") && page.contains("<svg id=\"km-aaaa1111\">"))
        #expect(!page.contains("h-bbbb2222"), "only the selected sweep's charts")
        #expect(page.contains("node-1") && page.contains("boom &lt;b&gt;"))
        #expect(page.contains("href=\"/sweeps/aaaa1111/cancel\""))
        #expect(!page.contains("http://") && !page.contains("https://"), "nothing fetched from elsewhere")
        #expect(page.contains("new EventSource(\"/api/events"))
        #expect(DashboardPage.render(Self.snapshot, selected: nil).contains("<svg id=\"h-bbbb2222\">"), "default: the latest sweep")
    }

    @Test func cancelConfirmation_postsToTheCancelAction() {
        let page = DashboardPage.cancelConfirmation(Self.snapshot.sweeps[1])
        #expect(page.contains("<form method=\"post\" action=\"/api/sweeps/bbbb2222/cancel\">"))
    }

    @Test func snapshot_findsSweepsByIdPrefixOrName_andKeepsChartsOfOne() {
        let snapshot = Self.snapshot
        #expect(snapshot.sweep("bbbb2222")?.name == "second")
        #expect(snapshot.sweep("aaa")?.id.rawValue == "aaaa1111")
        #expect(snapshot.sweep("second")?.id.rawValue == "bbbb2222")
        #expect(snapshot.sweep("zzz") == nil)
        let kept = snapshot.keepingCharts(of: SweepID(rawValue: "bbbb2222"))
        #expect(kept.sweeps[0].headlineSVG == nil && kept.sweeps[0].kaplanMeierSVG.isEmpty)
        #expect(kept.sweeps[1].headlineSVG != nil)
    }

    @Test func metrics_exposeGaugesCountersAndTheHistogram_finishedCountsGrowByDifferences() {
        let metrics = DashboardMetrics()
        func status(clustered: Int, failed: Int) -> ClientReply.Status {
            var counts = ClientReply.JobCounts()
            counts.clustered = clustered
            counts.failed = failed
            counts.pending = 10 - clustered - failed
            let sweep = ClientReply.SweepStatus(
                sweep: SweepID(rawValue: "s1"), name: "paper", counts: counts, cancelled: false,
                createdAt: Date(timeIntervalSince1970: 0), finishedAt: nil, jobsPerSecond: 1, etaSeconds: nil)
            return ClientReply.Status(sweeps: [sweep], workersAlive: 3, slotsAlive: 6, jobsPerSecond: 1)
        }
        metrics.record(status(clustered: 2, failed: 1))
        metrics.record(status(clustered: 5, failed: 1))
        metrics.recordJobDuration(seconds: 0.2)
        metrics.recordJobDuration(seconds: 42)
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains("clustersweep_jobs{sweep=\"paper\",status=\"clustered\"} 5"))
        #expect(text.contains("clustersweep_jobs{sweep=\"paper\",status=\"pending\"} 4"))
        #expect(text.contains("clustersweep_jobs_finished_total{status=\"clustered\"} 5"))
        #expect(text.contains("clustersweep_jobs_finished_total{status=\"failed\"} 1"))
        #expect(text.contains("clustersweep_workers 3") && text.contains("clustersweep_slots 6"))
        #expect(text.contains("clustersweep_coordinator_up 1"))
        #expect(text.contains("clustersweep_job_duration_seconds_count 2"))
        #expect(text.contains("clustersweep_job_duration_seconds_bucket{le=\"0.5\"} 1"))
        metrics.recordDown()
        #expect(String(decoding: metrics.exposition(), as: UTF8.self).contains("clustersweep_coordinator_up 0"))
    }
}
