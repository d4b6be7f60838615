import Foundation
import Reporting
import SweepModel
import SweepWire

/// Human-readable renderings of status replies for `status` and `watch`.
enum StatusText {
    /// A table: one row per sweep, then a line about workers.
    static func table(_ status: ClientReply.Status) -> String {
        var rows: [[String]] = [[
            "SWEEP", "NAME", "DONE", "TOTAL", "RUNNING", "QUEUED ON WORKERS", "PENDING", "FAILED", "CANCELLED", "RATE/s", "ETA",
        ]]
        for sweep in status.sweeps {
            let c = sweep.counts
            rows.append([
                sweep.sweep.short, sweep.name, String(c.done), String(c.total), String(sweep.runningOnWorkers),
                String(sweep.queuedOnWorkers), String(c.pending), String(c.failed), String(c.cancelled),
                String(format: "%.1f", sweep.jobsPerSecond),
                sweep.cancelled ? "cancelled" : (sweep.hasEnded ? "ended" : duration(sweep.etaSeconds)),
            ])
        }
        var out = aligned(rows)
        for sweep in status.sweeps where !sweep.description.isEmpty {
            out += "\(sweep.sweep.short): \(oneLine(sweep.description, limit: 100))\n"
        }
        out += "workers alive: \(status.workersAlive) (\(plural(status.slotsAlive, "slot"))), \(String(format: "%.1f", status.jobsPerSecond)) jobs/s\n"
        return out
    }

    /// `workers`: one row per live worker, then the totals.
    static func workerTable(_ workers: [ClientReply.WorkerInfo], now: Date = Date()) -> String {
        var rows: [[String]] = [["WORKER", "HOST", "PID", "SLOTS", "KERNELS", "RUNNING", "QUEUED", "COMPLETED", "LAST SEEN"]]
        for w in workers {
            rows.append([
                w.worker.rawValue, w.host, String(w.pid), String(w.slots), w.kernelFamily ?? "-", String(w.running),
                String(w.queued), String(w.completed), String(format: "%.1fs ago", now.timeIntervalSince(w.lastSeen)),
            ])
        }
        return aligned(rows) + "\(plural(workers.count, "worker")), \(plural(workers.reduce(0) { $0 + $1.slots }, "slot"))\n"
    }

    /// `sweeps`: one row per sweep, ids as long as needed to tell them apart, created and finished.
    static func sweepList(_ sweeps: [ClientReply.SweepStatus]) -> String {
        let ids = distinctPrefixes(sweeps.map(\.sweep.rawValue))
        var rows: [[String]] = [["SWEEP", "NAME", "STATE", "DONE", "FAILED", "CANCELLED", "OPEN", "TOTAL", "CREATED", "FINISHED", "DESCRIPTION"]]
        for (sweep, id) in zip(sweeps, ids) {
            let c = sweep.counts
            let state = sweep.cancelled ? "cancelled" : (sweep.hasEnded ? "ended" : "open")
            rows.append([
                id, sweep.name, state, String(c.done), String(c.failed), String(c.cancelled),
                String(c.pending + c.running), String(c.total), date(sweep.createdAt), sweep.finishedAt.map(date) ?? "-",
                oneLine(sweep.description, limit: 50),
            ])
        }
        return aligned(rows) + "\(plural(sweeps.count, "sweep"))\n"
    }

    /// Rows with each column padded to its widest cell (two spaces between columns).
    static func aligned(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        let widths = (0..<header.count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { padded($0, to: widths) + "\n" }.joined()
    }

    /// One table line: each cell padded to its column's width, two spaces between columns.
    static func padded(_ cells: [String], to widths: [Int]) -> String {
        zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }

    /// The first line of `text`, cut to `limit` characters with an ellipsis.
    static func oneLine(_ text: String, limit: Int) -> String {
        let line = String(text.split(separator: "\n").first ?? "")
        return line.count <= limit ? line : String(line.prefix(limit - 1)) + "…"
    }

    /// `1 job`, `3 jobs`.
    static func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    /// The shortest prefixes (at least 12 characters) that tell `ids` apart.
    static func distinctPrefixes(_ ids: [String]) -> [String] {
        var length = 12
        while length < (ids.map(\.count).max() ?? 0), Set(ids.map { $0.prefix(length) }).count < Set(ids).count {
            length += 4
        }
        return ids.map { String($0.prefix(length)) }
    }

    static func date(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }

    /// One progress line: a bar of the completed jobs, done/total, rate, ETA, then running,
    /// failed and cancelled counted apart from done (a cancelled sweep never shows 100%).
    static func progressLine(_ sweep: ClientReply.SweepStatus, workers: Int, width: Int = 30) -> String {
        let c = sweep.counts
        let fraction = c.total == 0 ? 0 : Double(c.done) / Double(c.total)
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        var line = "[\(bar)] \(c.done)/\(c.total) \(String(format: "%5.1f%%", fraction * 100))"
        if sweep.cancelled {
            line += "  CANCELLED"
        } else {
            line += "  \(String(format: "%.1f", sweep.jobsPerSecond)) jobs/s  ETA \(duration(sweep.etaSeconds))"
        }
        line += "  running \(sweep.runningOnWorkers)"
        if sweep.queuedOnWorkers > 0 { line += "  queued on workers \(sweep.queuedOnWorkers)" }
        line += "  failed \(c.failed)"
        if c.cancelled > 0 { line += "  cancelled \(c.cancelled)" }
        line += "  workers \(workers)"
        return line
    }

    /// `1h02m`, `3m05s`, `12s`, or `?` when unknown.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}
