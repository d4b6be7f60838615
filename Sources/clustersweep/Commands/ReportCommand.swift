import ArgumentParser
import Foundation
import Reporting
import SweepModel
import SweepStore
import SweepWire

/// `clustersweep report`: writes report.json, report.html and report.csv for a sweep, from a
/// running coordinator (`SWEEP --coordinator ENDPOINT`) or from a store file (`--state FILE`).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a sweep's report (report.json, report.html, report.csv).",
        discussion: """
            From a running coordinator:  clustersweep report SWEEP --coordinator tcp://host:5555 --out DIR
            From a state file:           clustersweep report --state FILE [SWEEP] --out DIR
            With --state and no SWEEP, the store must hold exactly one sweep. Unfinished jobs \
            appear with their current status, so a report can be taken at any moment.
            """)

    @Argument(help: ArgumentHelp("A sweep id, unique id prefix or name.", valueName: "sweep"))
    var sweep: String?

    @Option(help: ArgumentHelp("Read the sweep from this store file instead of a coordinator.", valueName: "file"))
    var state: String?

    @Option(help: ArgumentHelp("Directory to write the report files into (created if missing).", valueName: "dir"))
    var out: String

    @OptionGroup var connection: CoordinatorConnectionOptions

    mutating func validate() throws {
        if state == nil && sweep == nil {
            throw ValidationError("name the sweep (SWEEP) when reading from a coordinator, or give --state FILE")
        }
    }

    func run() throws {
        let (record, jobs) = try state.map { try Self.load(fromStore: $0, sweep: sweep) } ?? fetch()
        let report = SweepReport.build(sweep: record, jobs: jobs, generatedAt: Date())
        let urls: [URL]
        do {
            urls = try ReportWriter.write(report, to: URL(fileURLWithPath: out))
        } catch {
            throw CommandFailure("cannot write the report to \(out): \(error)")
        }
        for url in urls { print(url.path) }
        print(Verdict.terminalText(report.verdicts.map(\.sentence)), terminator: "")
    }

    private func fetch() throws -> (SweepRecord, [JobRecord]) {
        let report = try connection.call { client throws(SweepClientError) in
            try client.report(SweepID(rawValue: sweep ?? ""))
        }
        return (report.sweep, report.jobs)
    }

    /// Reads a sweep and its jobs from a store file, opened read-only so nothing can change it.
    static func load(fromStore path: String, sweep: String?) throws -> (SweepRecord, [JobRecord]) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure("state file \(path) does not exist")
        }
        do {
            let store = try ResultStore(path: path, readOnly: true)
            let record = try store.selectSweep(sweep)
            return (record, try store.jobRecords(sweep: record.id))
        } catch let error as SweepSelectionError {
            throw CommandFailure("\(path): \(error)")
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
