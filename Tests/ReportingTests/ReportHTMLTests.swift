import Charts
import Foundation
import Testing
@testable import Reporting

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

/// Writes the large sample report to `$REPORTING_SAMPLE_DIR` (when set) for a human to look at.
@Test func sampleReport_isWritten_whenAsked() throws {
    guard let path = ProcessInfo.processInfo.environment["REPORTING_SAMPLE_DIR"] else { return }
    let directory = URL(fileURLWithPath: path)
    try ReportWriter.write(largeReport, to: directory)
    try ReportWriter.write(ReportFixtures.smallReport(), to: directory.appendingPathComponent("small"))
    let svgs = [ReportFigures.headline(largeReport).render(),
                ReportFigures.kaplanMeier(largeReport.dimensionEffect[0], title: "KM").render()]
        + largeReport.metrics.map { ReportFigures.metricChart(largeReport, metric: $0).render() }
    for (i, svg) in svgs.enumerated() {
        try Data(svg.utf8).write(to: directory.appendingPathComponent("chart-\(i).svg"))
    }
}
