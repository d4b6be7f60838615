import Foundation
import SweepModel
import Testing
@testable import Reporting
import Charts

/// The live view's incremental statistics are the report's own: fed the finished jobs in pages,
/// with refreshes in between, it ends with the report's series, tests and verdicts.
@Suite struct LiveDimensionEffectTests {
    static func check(_ records: [JobRecord], pages: Int) throws {
        let report = SweepReport.build(sweep: ReportFixtures.sweep(), jobs: records, generatedAt: ReportFixtures.generatedAt)
        let finished = records.sorted { $0.index < $1.index }.map(ReportJob.init(record:))
        var live = LiveDimensionEffect()
        let size = max(1, finished.count / pages)
        var latest: (series: [DimensionSeries], verdicts: [Verdict]) = ([], [])
        for start in stride(from: 0, to: finished.count, by: size) {
            for job in finished[start..<min(start + size, finished.count)] { live.add(job) }
            latest = live.refresh()
            #expect(!live.needsRefresh)
        }
        #expect(live.observedJobs == finished.filter { $0.status.isCompleted && $0.result != nil }.count)
        #expect(latest.series.count == report.dimensionEffect.count)
        for (mine, theirs) in zip(latest.series, report.dimensionEffect) {
            #expect(mine.parameters == theirs.parameters)
            #expect(mine.metric == theirs.metric)
            #expect(mine.test == theirs.test)
            #expect(mine.otherMetrics == theirs.otherMetrics)
            let reported = theirs.points.filter { $0.epochs.runs > 0 }
            #expect(mine.points.map(\.dimension) == reported.map(\.dimension))
            for (a, b) in zip(mine.points, reported) {
                #expect(a.epochs == b.epochs)
                #expect(a.seconds == b.seconds)
                #expect(a.kmCurve == b.kmCurve)
            }
        }
        #expect(latest.verdicts.map(\.sentence) == report.verdicts.map(\.sentence))
    }

    @Test func largeSweep_fedInPages_matchesTheReport() throws {
        try Self.check(ReportFixtures.largeJobs(), pages: 7)
    }

    @Test func smallSweep_withFailedAndPendingJobs_matchesTheReport() throws {
        try Self.check(ReportFixtures.smallJobs(), pages: 3)
    }

    @Test func refresh_recomputesOnlyWhenJobsArrived() {
        var live = LiveDimensionEffect()
        #expect(!live.needsRefresh)
        #expect(live.refresh().series.isEmpty)
        let failed = ReportFixtures.smallJobs().filter { $0.status == .failed }.map(ReportJob.init(record:))
        for job in failed { live.add(job) }
        #expect(!live.needsRefresh, "failed jobs carry no observation")
        live.add(ReportJob(record: ReportFixtures.smallJobs()[0]))
        #expect(live.needsRefresh)
        #expect(live.refresh().series.count == 1)
        #expect(!live.needsRefresh)
    }

    @Test func headlineOfSeriesAlone_drawsTheReportsChart() {
        let report = ReportFixtures.smallReport()
        #expect(ReportFigures.headline(dimensionEffect: report.dimensionEffect).render() == ReportFigures.headline(report).render())
    }
}
