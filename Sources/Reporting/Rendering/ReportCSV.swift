import Foundation
import TrainingCore
import SweepModel

/// Renders one CSV row per job, for readers who analyse sweeps in pandas or R.
///
/// RFC 4180: comma-separated, CRLF line ends, a header row, and a field quoted (with inner quotes
/// doubled) when it contains a comma, quote, CR or LF. Columns, in order: `job_id`, `index`,
/// `status`, `attempts`, every flattened parameter (sorted by key; the union over all jobs),
/// `epochs_run`, `train_seconds`, `worker_seconds`, per metric `<metric>_epochs_to_cluster` and
/// `<metric>_seconds_to_cluster`, `final_loss`, per metric `final_<metric>`, then `last_error`.
/// Empty fields mean "no value" (no summary, metric not reached, no error).
public enum ReportCSV {
    /// The CSV of every job of `report`.
    public static func render(_ report: SweepReport) -> String {
        render(jobs: report.jobs)
    }

    /// The CSV of `jobs`, in the order given.
    public static func render(jobs: [ReportJob]) -> String {
        let metrics = ClusterMetric.allCases.sorted()
        let parameterKeys = Set(jobs.flatMap(\.parameters.keys)).sorted()
        var header = ["job_id", "index", "status", "attempts"] + parameterKeys
        header += ["epochs_run", "train_seconds", "worker_seconds"]
        for metric in metrics {
            header += ["\(metric.key)_epochs_to_cluster", "\(metric.key)_seconds_to_cluster"]
        }
        header += ["final_loss"] + metrics.map { "final_\($0.key)" } + ["last_error"]

        var lines = [row(header)]
        for job in jobs {
            let summary = job.result
            var fields = [job.jobID, String(job.index), job.status.rawValue, String(job.attempts.count)]
            fields += parameterKeys.map { key in job.parameters[key].map(\.description) ?? "" }
            fields += [
                summary.map { String($0.epochsRun) } ?? "",
                number(summary?.trainSeconds),
                number(job.workerSeconds),
            ]
            for metric in metrics {
                let time = summary?.timeToCluster(metric)
                fields += [time.map { String($0.epoch) } ?? "", number(time?.seconds)]
            }
            fields.append(number(summary?.final.loss))
            fields += metrics.map { metric in number(summary?.final[metric]) }
            fields.append(job.attempts.lastError ?? "")
            lines.append(row(fields))
        }
        return lines.joined()
    }

    /// One record with its CRLF terminator.
    static func row(_ fields: [String]) -> String {
        fields.map(quote).joined(separator: ",") + "\r\n"
    }

    /// A field, quoted when RFC 4180 requires it.
    static func quote(_ field: String) -> String {
        let needsQuotes = field.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func number(_ value: Double?) -> String {
        value.map(ParameterValue.format) ?? ""
    }
}
