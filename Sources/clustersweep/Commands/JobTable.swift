import Foundation
import Reporting
import SweepModel

/// The `jobs` table built in two passes over the listings, so a sweep of any size is printed
/// without holding its jobs: the first pass (`measure`) learns which parameters vary between the
/// listed jobs and how wide each column gets, the second (`row`) prints each job as it is read.
struct JobTable {
    /// Parameters whose value (or presence) differs between the measured jobs.
    private var firstValues: [String: ParameterValue] = [:]
    private var seen: [String: Int] = [:]
    private var varying: Set<String> = []
    private var parameterWidths: [String: Int] = [:]
    private var fixedWidths = JobTable.header.map(\.count)
    private(set) var count = 0

    /// The columns after the parameters.
    private static let header = ["JOB", "STATUS", "ATTEMPTS", "WORKER", "SECONDS", "LAST ERROR"]

    mutating func measure(_ job: JobListing) {
        count += 1
        for (key, value) in job.parameters {
            seen[key, default: 0] += 1
            if let first = firstValues[key] {
                if first != value { varying.insert(key) }
            } else {
                firstValues[key] = value
            }
            parameterWidths[key] = max(parameterWidths[key] ?? key.count, value.description.count)
        }
        for (column, cell) in Self.fixedCells(job).enumerated() { fixedWidths[column] = max(fixedWidths[column], cell.count) }
    }

    /// The parameter columns: those that vary, or that some jobs lack.
    var keys: [String] {
        seen.keys.filter { varying.contains($0) || seen[$0] != count }.sorted()
    }

    func headerLine(keys: [String]) -> String {
        line(["JOB"] + keys.map { $0.uppercased() } + Array(Self.header.dropFirst()), keys: keys)
    }

    func row(_ job: JobListing, keys: [String]) -> String {
        let cells = Self.fixedCells(job)
        return line([cells[0]] + keys.map { job.parameters[$0]?.description ?? "-" } + Array(cells.dropFirst()), keys: keys)
    }

    /// JOB, then STATUS, ATTEMPTS, WORKER, SECONDS, LAST ERROR (the parameters go after JOB).
    private static func fixedCells(_ job: JobListing) -> [String] {
        let error = job.lastError.map { String(($0.split(separator: "\n").first ?? "").prefix(80)) } ?? ""
        return [
            String(job.jobID.prefix(12)), job.status.rawValue, String(job.attempts), job.worker ?? "-",
            job.seconds.map { String(format: "%.3f", $0) } ?? "-", error,
        ]
    }

    private func line(_ cells: [String], keys: [String]) -> String {
        let widths = [fixedWidths[0]] + keys.map { max(parameterWidths[$0] ?? 0, $0.count) } + Array(fixedWidths.dropFirst())
        return StatusText.padded(cells, to: widths)
    }
}
