import Charts
import Foundation
import Testing
@testable import Reporting
import SweepModel
import TrainingCore

private let largeReport = SweepReport.build(
    sweep: ReportFixtures.sweep(name: "dimensions", finished: true), jobs: ReportFixtures.largeJobs(),
    generatedAt: ReportFixtures.generatedAt)

@Test(arguments: ["small", "large"])
func html_isWellFormedXML(_ which: String) throws {
    let report = which == "small" ? ReportFixtures.smallReport() : largeReport
    let html = ReportHTML.render(report)
    let check = XMLCheck.parse(html)
    #expect(check.error == nil, "\(String(describing: check.error))")
    #expect(check.elements.first == "html")
    #expect(check.elements.contains("svg"))
    #expect(check.elements.contains("table"))
}

@Test func html_hasEveryChart() {
    let html = ReportHTML.render(largeReport)
    // Headline + one Kaplan–Meier chart per series (2) + one chart per metric (4).
    #expect(html.components(separatedBy: "<svg ").count - 1 == 1 + 2 + 4)
    for id in ["headline", "kaplan-meier", "metrics", "groups", "metric-table", "failed", "source"] {
        #expect(html.contains("<section id=\"\(id)\">"), "missing section \(id)")
    }
}

@Test func everyChartSVG_isWellFormed() {
    var svgs = [ReportFigures.headline(largeReport).render()]
    svgs += largeReport.dimensionEffect.map { ReportFigures.kaplanMeier($0, title: "km").render() }
    svgs += largeReport.metrics.map { ReportFigures.metricChart(largeReport, metric: $0).render() }
    for svg in svgs {
        let check = XMLCheck.parse(svg)
        #expect(check.error == nil)
        #expect(check.elements.first == "svg")
    }
}

@Test func html_linksNothingExternal() {
    for report in [ReportFixtures.smallReport(), largeReport] {
        let html = ReportHTML.render(report)
        let withoutNamespace = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        for needle in ["http:", "https:", "//", "src=", "href=", "<script", "<link", "@import", "url("] {
            #expect(!withoutNamespace.contains(needle), "found \(needle)")
        }
    }
}

@Test func html_showsFailedJobsWithEscapedErrors() {
    let html = ReportHTML.render(ReportFixtures.smallReport())
    #expect(html.contains("worker said &quot;no&quot;, twice\nthen died"))
    #expect(html.contains("Failed jobs (1)"))
    #expect(html.contains("in progress"))
}

@Test func html_escapesSweepText() {
    var sweep = ReportFixtures.sweep()
    sweep.name = "<b>&bold</b>"
    sweep.sourceText = "name: \"<script>\""
    let html = ReportHTML.render(SweepReport.build(sweep: sweep, jobs: ReportFixtures.smallJobs(), generatedAt: ReportFixtures.generatedAt))
    #expect(!html.contains("<script>") && !html.contains("<b>&bold"))
    #expect(XMLCheck.parse(html).error == nil)
}

@Test func headline_hidesMedianNotReached_insteadOfDrawingSmallOne() throws {
    // D=2 of the small report: KM median 200. D=4: one run with a result, clustered: median 400.
    let chart = ReportFigures.headline(ReportFixtures.smallReport())
    let points = try #require(chart.series.first?.points)
    #expect(points.map(\.y) == [200, 400])

    // A group where 2 of 10 clustered early: no point, a triangle at the top instead.
    let jobs = (0..<10).map { i in
        ReportFixtures.completed(index: i, dimension: 8, seed: UInt64(i), status: i < 2 ? .clustered : .censored,
                                 epochsRun: i < 2 ? 100 + 50 * i : 1000, times: i < 2 ? [.ldaSilhouette: 100 + 50 * i] : [:])
    }
    let report = SweepReport.build(sweep: ReportFixtures.sweep(), jobs: jobs, generatedAt: ReportFixtures.generatedAt)
    let point = try #require(ReportFigures.headline(report).series.first?.points.first)
    #expect(point.y == nil && point.exceedsTop)
    #expect(report.groups[0].metrics["lda_silhouette"]?.epochs.median == 125)
}

@Test func headline_usesLog2Axis_whenDimensionsDouble() {
    #expect(ReportFigures.headline(largeReport).xScale == .log2)
    #expect(ReportFigures.headline(ReportFixtures.smallReport()).xScale == .linear)
}

/// Writes the large and small sample reports with every chart, checks that each file is there and
/// well-formed, and keeps them in `$REPORTING_SAMPLE_DIR` when that is set (for a human to look at).
@Test func sampleReport_isWrittenWithEveryChart() throws {
    let keep = ProcessInfo.processInfo.environment["REPORTING_SAMPLE_DIR"]
    let directory = keep.map { URL(fileURLWithPath: $0) }
        ?? FileManager.default.temporaryDirectory.appendingPathComponent("report-sample-\(UUID().uuidString)")
    defer { if keep == nil { try? FileManager.default.removeItem(at: directory) } }
    let empty = ClusteringPictures(pictures: [], skipped: 0)
    try ReportWriter.write(largeReport, to: directory, pictures: empty)
    try ReportWriter.write(ReportFixtures.smallReport(), to: directory.appendingPathComponent("small"), pictures: empty)
    let svgs = [ReportFigures.headline(largeReport).render(),
                ReportFigures.kaplanMeier(largeReport.dimensionEffect[0], title: "KM").render()]
        + largeReport.metrics.map { ReportFigures.metricChart(largeReport, metric: $0).render() }
    for (i, svg) in svgs.enumerated() {
        try Data(svg.utf8).write(to: directory.appendingPathComponent("chart-\(i).svg"))
    }
    for name in ReportWriter.fileNames + (0..<svgs.count).map({ "chart-\($0).svg" }) {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        #expect(!data.isEmpty, "\(name) is empty")
        if name.hasSuffix(".html") || name.hasSuffix(".svg") {
            #expect(XMLCheck.parse(String(decoding: data, as: UTF8.self)).error == nil, "\(name) is not well-formed")
        }
    }
}

@Test func html_opensWithTheVerdicts_aboveEveryChart() throws {
    let html = ReportHTML.render(largeReport)
    let verdict = try #require(html.range(of: "<section id=\"verdict\">"))
    let chart = try #require(html.range(of: "<svg "))
    let status = try #require(html.range(of: "<section id=\"status\">"))
    #expect(verdict.lowerBound < chart.lowerBound && verdict.lowerBound < status.lowerBound)
    #expect(largeReport.verdicts.count == 2)
    for verdict in largeReport.verdicts {
        #expect(html.contains(ReportHTML.escape(verdict.sentence)))
    }
    #expect(html.contains("How to read a hazard ratio"))
}

@Test func html_saysWhichCommandAddsSeeds_whenAVerdictIsNotSignificant() throws {
    // Three seeds per dimension and no real effect: not significant, with a seed count.
    let jobs = [2, 4, 8].enumerated().flatMap { k, d in
        (0..<3).map { seed in
            ReportFixtures.completed(index: 3 * k + seed, dimension: d, seed: UInt64(seed), status: .clustered,
                                     epochsRun: 100 + 50 * ((seed + k) % 3), times: [.ldaSilhouette: 100 + 50 * ((seed + k) % 3) + k])
        }
    }
    let report = SweepReport.build(sweep: ReportFixtures.sweep(), jobs: jobs, generatedAt: ReportFixtures.generatedAt)
    let verdict = try #require(report.verdicts.first)
    #expect(!verdict.significant)
    let seeds = try #require(verdict.seedsPerDimensionFor80PercentPower)
    let next = try #require(ReportHTML.nextStep(report))
    #expect(next.contains("seeds: 0..\(seeds - 1)"))
    #expect(next.contains("clustersweep run configs/fixture.yaml --out DIR"))
    #expect(next.contains("9 stored results are reused"))
    #expect(ReportHTML.render(report).contains("What to do next."))
    #expect(ReportHTML.nextStep(largeReport) == nil)
}

@Test func metricPanels_warnOfInformativeCensoring_exceptTheStoppingMetricOrKeepGoing() throws {
    #expect(ReportHTML.censoringNote(largeReport, metric: "lda_silhouette") == nil)
    let note = try #require(ReportHTML.censoringNote(largeReport, metric: "knn_accuracy"))
    #expect(note.hasPrefix("Informative censoring: runs stopped when lda-silhouette clustered"))
    #expect(ReportHTML.render(largeReport).contains("Informative censoring"))
    // No verdict for the other metrics either.
    #expect(largeReport.verdicts.allSatisfy { $0.metric == "lda_silhouette" })
    #expect(largeReport.dimensionEffect.allSatisfy { $0.otherMetrics.values.allSatisfy(\.informativeCensoring) })

    var jobs = ReportFixtures.largeJobs()
    for i in jobs.indices { jobs[i].parameters.experiment.keepGoing = true }
    let kept = SweepReport.build(sweep: ReportFixtures.sweep(), jobs: jobs, generatedAt: ReportFixtures.generatedAt)
    #expect(ReportHTML.censoringNote(kept, metric: "knn_accuracy") == nil)
    #expect(Set(kept.verdicts.map(\.metric)) == Set(kept.metrics))
    #expect(kept.dimensionEffect.allSatisfy { $0.otherMetrics.values.allSatisfy { !$0.informativeCensoring } })
}

@Test func headlineWhiskers_areTheMedianIntervals() throws {
    let chart = ReportFigures.headline(largeReport)
    for (series, drawn) in zip(largeReport.dimensionEffect, chart.series) {
        for (point, plotted) in zip(series.points, drawn.points) {
            #expect(plotted.whiskerLow == point.epochs.kmMedianCI95.lower)
            #expect(plotted.whiskerHigh == point.epochs.kmMedianCI95.upper)
        }
    }
    #expect(chart.caption?.contains("Band: KM quartiles, the spread of the runs, not a confidence interval") == true)
}

@Test func headline_usesLog2Axis_whenLargestDimensionIsFourTimesTheSmallest() {
    #expect(ReportFigures.useLog2([2, 8]))
    #expect(ReportFigures.useLog2([2, 3, 8]))
    #expect(!ReportFigures.useLog2([2, 3]))
    #expect(!ReportFigures.useLog2([4, 12]))
}
