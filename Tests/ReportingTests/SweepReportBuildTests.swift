import Foundation
import SweepModel
import Testing
import TrainingCore
@testable import Reporting

@Test func build_listsEveryJobOnceInPlanOrder_whenInputIsShuffledAndRepeated() {
    let jobs = ReportFixtures.smallJobs()
    let shuffled = [jobs[3], jobs[0], jobs[5], jobs[1], jobs[4], jobs[2], jobs[0]]
    let report = SweepReport.build(sweep: ReportFixtures.sweep(), jobs: shuffled, generatedAt: ReportFixtures.generatedAt)
    #expect(report.jobs.map(\.index) == [0, 1, 2, 3, 4, 5])
    #expect(Set(report.jobs.map(\.jobID)).count == 6)
    #expect(report.sweep.jobCount == 6)
}

@Test func build_countsStatuses_whenSweepIsMidway() {
    let report = ReportFixtures.smallReport()
    #expect(report.sweep.statusCounts == [
        "clustered": 3, "censored": 1, "diverged": 0, "completed": 0, "failed": 1, "pending": 1, "running": 0, "cancelled": 0,
    ])
    #expect(report.jobs[4].attempts == .init(count: 2, lastError: "worker said \"no\", twice\nthen died"))
    #expect(report.jobs[5].status == .pending && report.jobs[5].result == nil)
}

@Test func build_flattensResolvedParameters() throws {
    let report = ReportFixtures.smallReport()
    #expect(report.jobs[0].parameters == ["dimension": .int(2), "seed": .int(0)])
    let parameters = report.parameters(of: report.jobs[0])
    #expect(parameters["dimension"] == .int(2))
    #expect(parameters["seed"] == .int(0))
    #expect(parameters["input_learning_rate"] == .double(0.001))
    #expect(parameters["metric"] == .string("lda-silhouette"))
    #expect(parameters["hidden"] == .list([.int(16), .int(16)]))
    #expect(parameters["kind"] == .string("train"))
    #expect(parameters["threshold"] == .double(0.5))  // resolved: derived default written out
}

@Test func build_groupsBySeedlessParameters_withHonestCensoring() throws {
    let report = ReportFixtures.smallReport()
    #expect(report.groups.count == 2)
    let d2 = report.groups[0], d4 = report.groups[1]
    #expect(d2.parameters["dimension"] == .int(2) && d2.parameters["seed"] == nil)
    #expect((d2.runs, d2.clustered, d2.censored, d2.failed, d2.unfinished) == (3, 2, 1, 0, 0))
    #expect((d4.runs, d4.clustered, d4.failed, d4.unfinished) == (3, 1, 1, 1))

    let lda = try #require(d2.metrics["lda_silhouette"]?.epochs)
    #expect(lda.runs == 3 && lda.reached == 2)
    #expect(lda.median == 150 && lda.q1 == 125 && lda.q3 == 175 && lda.min == 100 && lda.max == 200)
    #expect(abs((lda.std ?? 0) - 70.71067811865476) < 1e-9)
    // S(100) = 2/3, S(200) = 1/3: the median is 200 (the third run was censored at 1000).
    #expect(lda.kmMedian == 200)

    // knn: seed 0 reached it at 100; seed 1 stopped at 200 without it (censored there), seed 2
    // at 1000. S(100) = 2/3 and never lower: no KM median, though the naive median is 100.
    let knn = try #require(d2.metrics["knn_accuracy"]?.epochs)
    #expect(knn.reached == 1 && knn.median == 100)
    #expect(knn.kmMedian == nil)

    let seconds = try #require(d2.metrics["lda_silhouette"]?.seconds)
    #expect(seconds.median == 1.5 && seconds.kmMedian == 2)

    // D=4: one result only (failed and pending jobs carry no times).
    #expect(d4.metrics["lda_silhouette"]?.epochs.runs == 1)
}

@Test func build_givesNoTimes_whenJobsHaveNoSummary() throws {
    var params = ReportFixtures.parameters(dimension: 2, seed: 0, kind: .noop)
    params.sleepMs = 0
    let jobs = (0..<3).map { i in
        JobRecord(id: ReportFixtures.jobID(i), index: i, parameters: params, status: .clustered,
                  result: JobResult(status: .clustered, summary: nil, seconds: 0.001))
    }
    let report = SweepReport.build(sweep: ReportFixtures.sweep(), jobs: jobs, generatedAt: ReportFixtures.generatedAt)
    #expect(report.sweep.statusCounts["clustered"] == 3)
    let group = try #require(report.groups.first)
    #expect(group.clustered == 3)
    #expect(group.metrics["lda_silhouette"]?.epochs.runs == 0)
    #expect(group.metrics["lda_silhouette"]?.epochs.median == nil)
    #expect(report.dimensionEffect.first?.points.first?.epochs.kmMedian == nil)
    #expect(!ReportHTML.render(report).isEmpty)
}

@Test func dimensionEffect_hasOneSeriesPerOtherParameters_pointsByDimension() throws {
    let report = SweepReport.build(sweep: ReportFixtures.sweep(), jobs: ReportFixtures.largeJobs(), generatedAt: ReportFixtures.generatedAt)
    #expect(report.dimensionEffect.count == 2)
    let series = try #require(report.dimensionEffect.first)
    #expect(series.parameters["input_learning_rate"] == .double(0.001))
    #expect(series.parameters["dimension"] == nil && series.parameters["seed"] == nil)
    #expect(series.metric == "lda_silhouette")
    #expect(series.points.map(\.dimension) == [2, 4, 8, 16, 32])
    #expect(series.points.allSatisfy { $0.epochs.runs == 10 })
    // The headline point equals the matching group's statistics.
    let group = try #require(report.groups.first { $0.parameters["dimension"] == .int(8) && $0.parameters["input_learning_rate"] == .double(0.001) })
    #expect(series.points[2].epochs == group.metrics["lda_silhouette"]?.epochs)
}
