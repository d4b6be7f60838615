import Foundation
import TrainingCore
import SweepModel

/// Renders one CSV row per job, for readers who analyse sweeps in pandas or R.
///
/// RFC 4180: comma-separated, CRLF line ends, a header row, and a field quoted (with inner quotes
/// doubled) when it contains a comma, quote, CR or LF. Columns, in order: `job_id`, `index`,
/// `status`, `attempts`, every flattened parameter (sorted by key; the union over all jobs, the
/// shared ones included), `epochs_run`, `train_seconds`, `worker_seconds`, per metric
/// `<metric>_epochs_to_cluster` and `<metric>_seconds_to_cluster`, `final_loss`, per metric
/// `final_<metric>`, then `last_error`. Empty fields mean "no value" (no summary, metric not
/// reached, no error).
public enum ReportCSV {
    /// The CSV of every job of `report`.
    public static func render(_ report: SweepReport) -> String {
        let parameters = report.jobs.map(report.parameters(of:))
        let keys = Set(parameters.flatMap(\.keys)).sorted()
        var text = header(parameterKeys: keys)
        for (job, all) in zip(report.jobs, parameters) {
            text += row(job, parameterFields: parameterFields(all, keys: keys))
        }
        return text
    }

    /// The CSV of `jobs` (each with every parameter), in the order given.
    public static func render(jobs: [ReportJob]) -> String {
        let keys = Set(jobs.flatMap(\.parameters.keys)).sorted()
        return jobs.reduce(header(parameterKeys: keys)) { text, job in
            text + row(job, parameterFields: parameterFields(job.parameters, keys: keys))
        }
    }

    /// The header row, for these parameter columns.
    static func header(parameterKeys: [String]) -> String {
        let metrics = ClusterMetric.allCases.sorted()
        var header = ["job_id", "index", "status", "attempts"] + parameterKeys
        header += ["epochs_run", "train_seconds", "worker_seconds"]
        for metric in metrics {
            header += ["\(metric.key)_epochs_to_cluster", "\(metric.key)_seconds_to_cluster"]
        }
        header += ["final_loss"] + metrics.map { "final_\($0.key)" } + ["last_error"]
        return row(header)
    }

    /// The parameter fields of a row, quoted and comma-separated (no leading or trailing comma);
    /// `nil` when there are no parameter columns.
    static func parameterFields(_ parameters: [String: ParameterValue], keys: [String]) -> String? {
        if keys.isEmpty { return nil }
        return keys.map { key in quote(parameters[key].map(\.description) ?? "") }.joined(separator: ",")
    }

    /// One job's row, with its parameter fields already rendered (built in one string: a
    /// streamed report writes a million of them).
    static func row(_ job: ReportJob, parameterFields: String?) -> String {
        var line = ""
        line.reserveCapacity(256)
        func field(_ text: String) {
            line += quote(text)
            line += ","
        }
        field(job.jobID)
        line += String(job.index) + ","
        line += job.status.rawValue + ","
        line += String(job.attempts.count) + ","
        if let parameterFields { line += parameterFields + "," }
        let summary = job.result
        line += (summary.map { String($0.epochsRun) } ?? "") + ","
        line += number(summary?.trainSeconds) + ","
        line += number(job.workerSeconds) + ","
        for metric in metrics {
            let time = summary?.timeToCluster(metric)
            line += (time.map { String($0.epoch) } ?? "") + ","
            line += number(time?.seconds) + ","
        }
        line += number(summary?.final.loss) + ","
        for metric in metrics { line += number(summary?.final[metric]) + "," }
        line += quote(job.attempts.lastError ?? "")
        line += "\r\n"
        return line
    }

    /// The metrics in report order, once.
    private static let metrics = ClusterMetric.allCases.sorted()

    /// One record with its CRLF terminator.
    static func row(_ fields: [String]) -> String {
        fields.map(quote).joined(separator: ",") + "\r\n"
    }

    /// A field, quoted when RFC 4180 requires it.
    static func quote(_ field: String) -> String {
        let needsQuotes = field.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 13 || $0 == 10 }
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func number(_ value: Double?) -> String {
        value.map(ParameterValue.format) ?? ""
    }
}
