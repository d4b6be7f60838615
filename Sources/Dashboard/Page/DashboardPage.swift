import Charts
import Foundation
import SweepModel
import SweepWire

/// The live page: a complete server-rendered snapshot (readable with JavaScript off), plus a
/// small inline script that follows `/api/events` (Server-Sent Events) and redraws the same
/// sections without a reload. Self-contained: inline CSS, SVG and script, nothing fetched from
/// elsewhere, so it works with no internet connection.
public enum DashboardPage {
    /// The page for `snapshot`, showing the charts of `selected` (else the first sweep).
    public static func render(_ snapshot: LiveSnapshot, selected reference: String?) -> String {
        let selected = reference.flatMap(snapshot.sweep) ?? snapshot.sweeps.last
        let page = snapshot.keepingCharts(of: selected?.id)
        let selectedID = selected?.id.rawValue ?? ""
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>clustersweep dashboard</title>
            <style>\(style)</style></head>
            <body data-selected="\(escape(selectedID))">
            <header><h1>clustersweep</h1>
            <p id="connection" class="\(page.coordinatorUp ? "up" : "down")">\(escape(connectionText(page)))</p></header>
            <main>
            <section><h2>Sweeps</h2><div id="sweeps">\(sweepsTable(page, selected: selected?.id))</div></section>
            <section><h2>Selected sweep</h2><div id="selected">\(selectedSection(selected))</div></section>
            <section><h2>Workers</h2><div id="workers">\(workersTable(page))</div></section>
            <section><h2>Recent failures</h2><div id="failures">\(failuresTable(selected))</div></section>
            </main>
            <footer>Snapshot <span id="version">\(page.version)</span> at <span id="generated">\(escape(iso(page.generatedAt)))</span>.
            Machine-readable: <a href="/api/status">/api/status</a>, <a href="/metrics">/metrics</a>.
            <pre id="update-log" hidden></pre></footer>
            <script>\(script)</script>
            </body></html>
            """
    }

    /// The confirmation page of the Cancel button (it works without JavaScript).
    public static func cancelConfirmation(_ sweep: LiveSweep) -> String {
        """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Cancel \(escape(sweep.name))?</title>
        <style>\(style)</style></head><body><main>
        <h1>Cancel sweep '\(escape(sweep.name))'?</h1>
        <p>No new job of it will start and its running jobs are aborted. Finished results are kept.</p>
        <form method="post" action="/api/sweeps/\(escape(sweep.id.rawValue))/cancel">
        <button type="submit" class="danger">Yes, cancel \(escape(sweep.name))</button> <a href="/">No, back</a></form>
        </main></body></html>
        """
    }

    // MARK: - Sections (the script draws the same ones from the JSON)

    static func connectionText(_ snapshot: LiveSnapshot) -> String {
        let status = snapshot.status
        if snapshot.coordinatorUp, let status {
            return "coordinator \(snapshot.coordinator): \(status.workersAlive) workers, \(status.slotsAlive) slots, "
                + String(format: "%.1f", status.jobsPerSecond) + " jobs/s"
        }
        return "coordinator \(snapshot.coordinator) not answering" + (snapshot.problem.map { ": \($0)" } ?? "")
    }

    static func sweepsTable(_ snapshot: LiveSnapshot, selected: SweepID?) -> String {
        if snapshot.sweeps.isEmpty { return "<p>No sweep yet.</p>" }
        var rows = ""
        for sweep in snapshot.sweeps {
            let c = sweep.counts
            let fraction = c.total == 0 ? 1 : Double(c.finished) / Double(c.total)
            let percent = String(format: "%.1f", fraction * 100)
            let state = sweep.cancelled ? "cancelled" : sweep.ended ? "ended" : "running"
            let cancel = sweep.ended ? "" : "<a class=\"danger\" href=\"/sweeps/\(escape(sweep.id.rawValue))/cancel\" data-cancel=\"\(escape(sweep.id.rawValue))\" data-name=\"\(escape(sweep.name))\">Cancel</a>"
            rows += """
                <tr class="\(sweep.id == selected ? "selected" : "")"><td><a href="/?sweep=\(escape(sweep.id.rawValue))" class="sweep-name">\(escape(sweep.name))</a><br><small>\(escape(sweep.id.short))</small></td>
                <td><progress max="\(c.total)" value="\(c.finished)"></progress> <span class="progress-text">\(c.finished)/\(c.total) (\(percent)%)</span></td>
                <td>\(c.pending)</td><td>\(c.running)</td><td>\(c.clustered)</td><td>\(c.censored)</td><td>\(c.diverged)</td><td>\(c.completed)</td><td>\(c.failed)</td><td>\(c.cancelled)</td>
                <td>\(String(format: "%.1f", sweep.jobsPerSecond))</td><td>\(escape(duration(sweep.ended ? 0 : sweep.etaSeconds)))</td><td>\(state)</td><td>\(cancel)</td></tr>
                """
        }
        return """
            <table><thead><tr><th>sweep</th><th>progress</th><th>pending</th><th>running</th><th>clustered</th><th>censored</th>
            <th>diverged</th><th>completed</th><th>failed</th><th>cancelled</th><th>jobs/s</th><th>ETA</th><th>state</th><th></th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
    }

    static func selectedSection(_ sweep: LiveSweep?) -> String {
        guard let sweep else { return "<p>No sweep selected.</p>" }
        let verdicts = sweep.verdicts.isEmpty
            ? "<p>No verdict yet: waiting for results.</p>"
            : "<ul class=\"verdicts\">" + sweep.verdicts.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
        let chart = sweep.headlineSVG.map { "<div class=\"chart\" id=\"headline\">\($0)</div>" }
            ?? "<p id=\"headline-empty\">The headline chart appears with the first result.</p>"
        let km = sweep.kaplanMeierSVG.map { "<div class=\"chart km\">\($0)</div>" }.joined()
        let reports = ["json", "html", "csv"].map {
            "<a href=\"/api/sweeps/\(escape(sweep.id.rawValue))/report.\($0)\">report.\($0)</a>"
        }.joined(separator: " ")
        return """
            <h3 id="selected-name">\(escape(sweep.name))</h3>
            <p>\(sweep.observed) results in the statistics. Current report: \(reports)</p>
            \(verdicts)\(chart)\(km)
            """
    }

    static func workersTable(_ snapshot: LiveSnapshot) -> String {
        if snapshot.workers.isEmpty { return "<p>No worker connected.</p>" }
        let rows = snapshot.workers.map { w in
            "<tr><td>\(escape(w.host))</td><td>\(w.pid)</td><td>\(w.slots)</td><td>\(w.running)</td><td>\(w.completed)</td><td>\(escape(iso(w.lastSeen)))</td></tr>"
        }.joined()
        return "<table><thead><tr><th>host</th><th>pid</th><th>slots</th><th>running</th><th>completed</th><th>last seen</th></tr></thead><tbody>\(rows)</tbody></table>"
    }

    static func failuresTable(_ sweep: LiveSweep?) -> String {
        guard let sweep, !sweep.failures.isEmpty else { return "<p>No failure.</p>" }
        let rows = sweep.failures.map { f in
            "<tr><td><code>\(escape(f.job))</code></td><td>\(escape(f.parameters))</td><td class=\"error\">\(escape(f.error))</td><td>\(escape(f.at.map(iso) ?? ""))</td></tr>"
        }.joined()
        return "<table><thead><tr><th>job</th><th>parameters</th><th>error</th><th>at</th></tr></thead><tbody>\(rows)</tbody></table>"
    }

    // MARK: - Text

    /// Escapes text for HTML content and attributes (the one escaping the reports use too).
    static func escape(_ text: String) -> String { SVGDocument.escape(text) }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}
