import Charts
import Foundation
import SweepModel
import TrainingCore

/// Renders a report as one self-contained HTML page (inline CSS and SVG, no scripts, no network)
/// that answers "how does dimension change time-to-cluster, and how sure are we?" and prints well.
///
/// The page is well-formed XML (XHTML syntax) so tests can parse it. Sections: the verdicts (the
/// answer, how sure it is, what to do next), summary and sweep metadata, the headline chart,
/// Kaplan–Meier curves per series, pictures of representative runs (when replayed), one chart per
/// metric, the group tables, failed jobs with their errors, and the sweep file as submitted.
public enum ReportHTML {
    /// The page of `report`, with the replayed `pictures` if given (`ClusteringPictures.replay`).
    public static func render(_ report: SweepReport, pictures: ClusteringPictures? = nil) -> String {
        var page = HTMLPage()
        page.open(title: "\(report.sweep.name): sweep report")
        header(report, into: &page)
        verdicts(report, into: &page)
        summary(report, into: &page)
        let hasTimes = report.groups.contains { group in group.metrics.values.contains { $0.epochs.runs > 0 } }
        if hasTimes {
            headline(report, into: &page)
            kaplanMeier(report, into: &page)
            if let pictures { clusteringPictures(report, pictures, into: &page) }
            metricCharts(report, into: &page)
        } else {
            page.section(id: "headline", title: "Time to cluster") {
                $0.paragraph("No train job has a result yet, so there are no times to show.")
            }
        }
        groupTable(report, into: &page)
        metricTable(report, into: &page)
        failedJobs(report, into: &page)
        page.section(id: "source", title: "Sweep file: \(report.sweep.sourceName)") {
            $0.raw("<pre class=\"source\">\(escape(report.sweep.sourceText))</pre>")
        }
        page.close()
        return page.text
    }

    // MARK: - Sections

    private static func header(_ report: SweepReport, into page: inout HTMLPage) {
        let sweep = report.sweep
        page.raw("<header><h1>\(escape(sweep.name))</h1>")
        let state = sweep.cancelled ? "cancelled" : (sweep.finishedAt == nil ? "in progress" : "finished")
        page.raw("<p class=\"sub\">Sweep report, \(state). \(sweep.jobCount) jobs. Generated \(date(report.generatedAt)).</p>")
        if !sweep.description.isEmpty { page.raw("<p class=\"description\">\(escape(sweep.description))</p>") }
        page.raw("</header>")
    }

    /// The answer first: one sentence per verdict, how to read it, and what to do when it is not
    /// sure yet.
    private static func verdicts(_ report: SweepReport, into page: inout HTMLPage) {
        page.section(id: "verdict", title: "Does a higher dimension make the points cluster sooner?") {
            guard !report.verdicts.isEmpty else {
                $0.paragraph("No verdict yet: no train job has a result.")
                return
            }
            for verdict in report.verdicts {
                $0.raw("<p class=\"verdict \(verdict.significant ? "significant" : "open")\">\(escape(verdict.sentence))</p>")
            }
            $0.raw("<p class=\"note\">\(escape(hazardRatioNote))</p>")
            if let next = nextStep(report) {
                $0.raw("<p class=\"next\"><b>What to do next.</b> \(codeSpans(escape(next)))</p>")
            }
        }
    }

    /// How to read a hazard ratio, in one line.
    static let hazardRatioNote = """
        How to read a hazard ratio: the factor by which a run's chance of clustering at the next check \
        changes per doubling of D (Cox model, assumed the same at every epoch). Above 1, higher dimensions \
        cluster sooner (2 = twice the rate); below 1, later; a 95% interval that contains 1 means these runs \
        cannot tell. p < 0.05 counts as significant.
        """

    /// For verdicts that are not significant yet: the command that adds the seeds they need.
    static func nextStep(_ report: SweepReport) -> String? {
        let needed = report.verdicts.filter { !$0.significant }.compactMap(\.seedsPerDimensionFor80PercentPower)
        guard let seeds = needed.max() else { return nil }
        let stored = report.digest.results
        let file = report.sweep.sourceName
        return """
            Not significant yet. To add seeds, set `seeds: 0..\(seeds - 1)` (\(seeds) per dimension) in \(file) and \
            submit it again: `clustersweep run \(file) --out DIR` with the same DIR, or `clustersweep submit \(file)` \
            to the coordinator. Job ids are content hashes, so the \(stored) stored \(stored == 1 ? "result is" : "results are") \
            reused and only the new seeds run.
            """
    }

    private static func summary(_ report: SweepReport, into page: inout HTMLPage) {
        let sweep = report.sweep
        page.section(id: "status", title: "Status") {
            var pills = "<p class=\"pills\">"
            for status in JobStatus.allCases {
                let count = sweep.statusCounts[status.rawValue] ?? 0
                pills += "<span class=\"pill \(status.rawValue)\">\(status.rawValue) <b>\(count)</b></span> "
            }
            $0.raw(pills + "</p>")
            $0.table(header: ["", ""], rows: [
                ["sweep id", sweep.id],
                ["submitted from", sweep.sourceName],
                ["created", date(sweep.createdAt)],
                ["finished", sweep.finishedAt.map(date) ?? "not yet"],
                ["max attempts per job", String(sweep.maxAttempts)],
                ["job timeout", "\(number(sweep.jobTimeoutSeconds)) s"],
                ["report schema", "version \(report.version)"],
            ], className: "meta", headerless: true)
        }
    }

    private static func headline(_ report: SweepReport, into page: inout HTMLPage) {
        page.section(id: "headline", title: "How dimension changes time to cluster") {
            $0.paragraph("""
                Each line is one combination of the other parameters, over its seeds. Runs that stopped \
                without clustering count as censored (Kaplan–Meier), so a dimension where most runs never \
                clustered shows no median rather than the small median of the few that did.
                """)
            $0.figure(ReportFigures.headline(report).render())
        }
    }

    private static func kaplanMeier(_ report: SweepReport, into page: inout HTMLPage) {
        let labels = ReportFigures.seriesLabels(report.dimensionEffect.map(\.parameters))
        page.section(id: "kaplan-meier", title: "Fraction clustered vs epoch (Kaplan–Meier)") {
            $0.paragraph("One curve per dimension: the estimated fraction of runs clustered by each epoch.")
            for (series, label) in zip(report.dimensionEffect, labels)
            where series.points.contains(where: { !$0.kmCurve.isEmpty }) {
                let title = "\(label) (\(ReportFigures.displayName(series.metric)))"
                $0.figure(ReportFigures.kaplanMeier(series, title: title).render())
            }
        }
    }

    private static func clusteringPictures(_ report: SweepReport, _ pictures: ClusteringPictures, into page: inout HTMLPage) {
        guard !pictures.pictures.isEmpty || pictures.skipped > 0 else { return }
        let labels = ReportFigures.seriesLabels(report.dimensionEffect.map(\.parameters))
        page.section(id: "pictures", title: "What clustering looks like") {
            $0.paragraph("""
                For each dimension, the run whose epochs to cluster is closest to the Kaplan–Meier median, \
                replayed from its configuration: at epoch 0, halfway, and when it clustered (or stopped). \
                D ≤ 2 is drawn as is, D = 3 in an oblique view, D > 3 on the two LDA directions. \
                Colours are the points' classes (labels).
                """)
            for (index, label) in labels.enumerated() {
                let entries = pictures.pictures.filter { $0.series == index }
                guard !entries.isEmpty else { continue }
                if labels.count > 1 { $0.raw("<h3>\(escape(label))</h3>") }
                for picture in entries {
                    let outcome = picture.run.clustered ? "clustered at epoch" : "stopped unclustered at epoch"
                    $0.raw("<p class=\"picture-title\">D = \(picture.dimension): seed \(escape(picture.run.seed.description)), \(outcome) \(number(picture.run.epochs))</p>")
                    if let mismatch = picture.mismatch { $0.raw("<p class=\"note\">\(escape(mismatch))</p>") }
                    $0.raw("<div class=\"pictures\">")
                    for snapshot in picture.snapshots {
                        let caption = "D = \(picture.dimension), epoch \(snapshot.epoch)"
                        $0.figure(ClusteringPictures.plot(snapshot, classes: picture.classes, caption: caption).render())
                    }
                    $0.raw("</div>")
                }
            }
            if pictures.skipped > 0 {
                $0.paragraph("\(pictures.skipped) more representative runs were not replayed, to keep the report quick to build.")
            }
        }
    }

    private static func metricCharts(_ report: SweepReport, into page: inout HTMLPage) {
        page.section(id: "metrics", title: "The answer depends on the metric") {
            $0.paragraph("""
                The same runs, timed by each clustering metric's own threshold. A run stops when its \
                stopping metric clusters (unless keep_going), so the other metrics are censored there.
                """)
            $0.raw("<div class=\"grid\">")
            for metric in report.metrics {
                $0.raw("<div>")
                $0.figure(ReportFigures.metricChart(report, metric: metric).render())
                if let note = censoringNote(report, metric: metric) {
                    $0.raw("<p class=\"note\">\(escape(note))</p>")
                }
                $0.raw("</div>")
            }
            $0.raw("</div>")
        }
    }

    /// The warning beside a metric whose times the stopping rule censored: the censoring depends
    /// on the outcome (informative), so the panel describes and does not test.
    static func censoringNote(_ report: SweepReport, metric: String) -> String? {
        let censoredBy = report.dimensionEffect.filter { $0.metric != metric && !$0.keepsGoing }
        guard !censoredBy.isEmpty else { return nil }
        let stopping = Set(censoredBy.map { ReportFigures.displayName($0.metric) }).sorted().joined(separator: " or ")
        return """
            Informative censoring: runs stopped when \(stopping) clustered, so \(ReportFigures.displayName(metric)) \
            was not observed after that. This panel describes; it gives no verdict (set keep_going: true for one).
            """
    }

    private static func groupTable(_ report: SweepReport, into page: inout HTMLPage) {
        let varying = ReportFigures.varyingKeys(report.groups.map(\.parameters))
        let stoppingMetrics = report.groups.map { SweepReport.metric(of: $0.parameters).key }
        let showMetric = Set(stoppingMetrics).count > 1 && !varying.contains("metric")
        var header = varying + ["runs", "clustered", "censored", "diverged", "failed", "unfinished"]
        if showMetric { header.append("metric") }
        header += ["KM median", "95% CI", "median [q1, q3]", "min–max", "mean ± std", "KM median (s)"]
        let rows = zip(report.groups, stoppingMetrics).map { group, metric -> [String] in
            let times = group.metrics[metric]
            let e = times?.epochs
            var row = varying.map { group.parameters[$0]?.description ?? "–" }
            row += [group.runs, group.clustered, group.censored, group.diverged, group.failed, group.unfinished].map(String.init)
            if showMetric { row.append(ReportFigures.displayName(metric)) }
            row.append(e?.kmMedian.map(number) ?? notReached(e))
            row.append(e.map { interval($0.kmMedianCI95) } ?? "–")
            row.append(e.flatMap { t in t.median.map { "\(number($0)) [\(number(t.q1)), \(number(t.q3))]" } } ?? "–")
            row.append(e.flatMap { t in t.min.map { "\(number($0))–\(number(t.max))" } } ?? "–")
            row.append(e.flatMap { t in t.mean.map { "\(number($0)) ± \(number(t.std))" } } ?? "–")
            row.append(times?.seconds.kmMedian.map(number) ?? notReached(times?.seconds))
            return row
        }
        let metricNote = Set(stoppingMetrics).count == 1
            ? " (\(ReportFigures.displayName(stoppingMetrics.first ?? "")))" : ""
        page.section(id: "groups", title: "Groups (runs sharing every parameter but the seed)") {
            $0.paragraph("""
                Epochs to cluster under each group's stopping metric\(metricNote). Median, quartiles \
                (type 7), range and mean ± sample std are over the runs that clustered; the KM columns \
                (Kaplan–Meier, in epochs and seconds) count censored runs too; the 95% CI is the KM \
                median's (log-log band, lifelines' convention; ∞: no upper bound yet).
                """)
            $0.table(header: header, rows: rows, className: "groups", numericFrom: varying.count)
        }
    }

    private static func metricTable(_ report: SweepReport, into page: inout HTMLPage) {
        let varying = ReportFigures.varyingKeys(report.groups.map(\.parameters))
        let header = varying + report.metrics.map { "\(ReportFigures.displayName($0)) (reached)" }
        let rows = report.groups.map { group in
            varying.map { group.parameters[$0]?.description ?? "–" } + report.metrics.map { metric in
                guard let e = group.metrics[metric]?.epochs else { return "–" }
                return "\(e.kmMedian.map(number) ?? notReached(e)) (\(e.reached)/\(e.runs))"
            }
        }
        page.section(id: "metric-table", title: "Kaplan–Meier median epochs to cluster, per metric") {
            $0.table(header: header, rows: rows, className: "groups", numericFrom: varying.count)
        }
    }

    private static func failedJobs(_ report: SweepReport, into page: inout HTMLPage) {
        let failed = report.digest.failed
        let count = report.digest.failedCount
        page.section(id: "failed", title: "Failed jobs (\(count))") {
            guard !failed.isEmpty else {
                $0.paragraph("No job failed.")
                return
            }
            // The jobs' own parameters are the ones that tell them apart (grid keys and seed).
            let varying = Set(failed.flatMap(\.parameters.keys)).sorted()
            var rows = ""
            for job in failed {
                let params = varying.map { "\($0)=\(job.parameters[$0]?.description ?? "–")" }.joined(separator: ", ")
                rows += "<tr><td><code>\(escape(String(job.jobID.prefix(12))))</code></td><td>\(escape(params))</td>"
                rows += "<td class=\"num\">\(job.attempts.count)</td>"
                rows += "<td><pre class=\"error\">\(escape(job.attempts.lastError ?? "(no error text)"))</pre></td></tr>\n"
            }
            $0.raw("<table class=\"failed\"><thead><tr><th>job</th><th>parameters</th><th>attempts</th><th>last error</th></tr></thead><tbody>\n\(rows)</tbody></table>")
            if count > failed.count {
                $0.paragraph("The first \(failed.count) of \(count) failed jobs; report.csv lists them all (status failed).")
            }
        }
    }

    // MARK: - Formatting

    static func escape(_ text: String) -> String { SVGDocument.escape(text) }

    static func date(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    /// Epochs as integers, other values with up to three significant decimals.
    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        if value == value.rounded(), abs(value) < 1e12 { return String(Int(value)) }
        if abs(value) >= 100 { return String(format: "%.1f", value) }
        return String(format: "%.3g", value)
    }

    /// Already escaped `text` with each `` `span` `` set as `<code>span</code>`.
    static func codeSpans(_ text: String) -> String {
        let parts = text.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count % 2 == 1 else { return text }
        return parts.enumerated().map { i, part in i % 2 == 1 ? "<code>\(part)</code>" : String(part) }.joined()
    }

    /// `[lo, hi]`, `∞` for an unbounded upper end.
    static func interval(_ ci: KaplanMeier.Interval) -> String {
        guard let lower = ci.lower else { return "–" }
        return "[\(number(lower)), \(ci.upper.map(number) ?? "∞")]"
    }

    static func notReached(_ times: TimeStatistics?) -> String {
        guard let times, times.runs > 0 else { return "–" }
        return "not reached"
    }
}
