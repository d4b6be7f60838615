import ArgumentParser
import Foundation
import Reporting
import SweepModel
import SweepWire

/// `clustersweep jobs SWEEP`: every job of a sweep with its status, attempts, worker, time and
/// last error: the way to read failures without a report.
struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List a sweep's jobs: parameters, status, attempts, worker, seconds, last error.",
        discussion: """
            The table shows the parameters that differ between the listed jobs; --json has them all. \
            With --state FILE and a store of one sweep, SWEEP may be left out.
            """)

    @Argument(help: ArgumentHelp("A sweep id, unique id prefix or name.", valueName: "sweep"))
    var sweep: String?

    @Option(help: ArgumentHelp("Only jobs with this status (\(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))).", valueName: "status"))
    var status: String?

    @Flag(help: "Print the jobs as JSON (keys sorted).")
    var json = false

    @OptionGroup var source: SweepSourceOptions

    mutating func validate() throws {
        if let status, JobStatus(rawValue: status) == nil {
            throw ValidationError("--status must be one of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(status)')")
        }
    }

    /// Streams the listing (two passes for the table: one to measure, one to print), so a
    /// million-job sweep costs the client a page at a time.
    func run() throws {
        let wanted = status.flatMap(JobStatus.init(rawValue:))
        let include: (ReportRow) -> Bool = { wanted == nil || $0.status == wanted }
        if json {
            // A pretty-printed array, as JSONEncoder writes one, an element at a time.
            var count = 0
            try source.forEachListing(sweep, include: include) { listing in
                let element = try JSONOutput.render(listing).split(separator: "\n", omittingEmptySubsequences: false)
                    .map { "  " + $0 }.joined(separator: "\n")
                print(count == 0 ? "[\n" + element : ",\n" + element, terminator: "")
                count += 1
            }
            print(count == 0 ? "[\n\n]" : "\n]")
            return
        }
        var table = JobTable()
        try source.forEachListing(sweep, include: include) { table.measure($0) }
        let keys = table.keys
        print(table.headerLine(keys: keys))
        var printed = 0
        try source.forEachListing(sweep, include: include) { listing in
            print(table.row(listing, keys: keys))
            printed += 1
        }
        print(StatusText.plural(printed, "job"))
    }
}
