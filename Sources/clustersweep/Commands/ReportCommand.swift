import ArgumentParser
import Foundation
import Reporting
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

    @Option(help: ArgumentHelp("Directory to write the report files into (created if missing).", valueName: "dir"))
    var out: String

    @OptionGroup var source: SweepSourceOptions

    func run() throws {
        let outcome = try source.writeReport(sweep, to: URL(fileURLWithPath: out))
        for url in outcome.files { print(url.path) }
        print(Verdict.terminalText(outcome.report.verdicts.map(\.sentence)), terminator: "")
    }
}
