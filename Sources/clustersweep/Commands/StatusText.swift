import Foundation
import SweepModel
import SweepWire

/// Human-readable renderings of status replies for `status` and `watch`.
enum StatusText {
    /// A table: one row per sweep, then a line about workers.
    static func table(_ status: ClientReply.Status) -> String {
        var rows: [[String]] = [["SWEEP", "NAME", "DONE", "TOTAL", "RUNNING", "PENDING", "FAILED", "CANCELLED", "RATE/s", "ETA"]]
        for sweep in status.sweeps {
            let c = sweep.counts
            rows.append([
                sweep.sweep.short, sweep.name, String(c.completed), String(c.total), String(c.running),
                String(c.pending), String(c.failed), String(c.cancelled), String(format: "%.1f", sweep.jobsPerSecond),
                sweep.cancelled ? "cancelled" : (sweep.hasEnded ? "ended" : duration(sweep.etaSeconds)),
            ])
        }
        var out = ""
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            out += zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }
        out += "workers alive: \(status.workersAlive) (\(status.slotsAlive) slots), \(String(format: "%.1f", status.jobsPerSecond)) jobs/s\n"
        return out
    }

    /// One progress line: a bar of the completed jobs, done/total, rate, ETA, then running,
    /// failed and cancelled counted apart from done (a cancelled sweep never shows 100%).
    static func progressLine(_ sweep: ClientReply.SweepStatus, workers: Int, width: Int = 30) -> String {
        let c = sweep.counts
        let fraction = c.total == 0 ? 0 : Double(c.completed) / Double(c.total)
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        var line = "[\(bar)] \(c.completed)/\(c.total) \(String(format: "%5.1f%%", fraction * 100))"
        if sweep.cancelled {
            line += "  CANCELLED"
        } else {
            line += "  \(String(format: "%.1f", sweep.jobsPerSecond)) jobs/s  ETA \(duration(sweep.etaSeconds))"
        }
        line += "  running \(c.running)  failed \(c.failed)"
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
