import ArgumentParser
import Foundation
import LocalCluster
import Logging

/// `clustersweep bench report`: how long `report` takes on a large finished sweep, and its peak
/// memory, offline and from a coordinator.
struct BenchReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Time `report` of a large synthetic sweep, from --state and from a coordinator.",
        discussion: """
            Writes a finished sweep of --jobs noop jobs (one in --train-every with a train-like \
            summary, so the statistics run) into a temporary state file through the store's bulk \
            calls, then runs `report --state` and `report --coordinator` (a coordinator started \
            in this process on that file) as processes of this binary, printing each one's wall \
            seconds, peak RSS and report.json bytes per job. Build with `make release` for \
            meaningful figures.
            """)

    @Option(help: "Jobs in the sweep.")
    var jobs: Int = 1_000_000

    @Option(help: "One job in this many has a train-like summary (0: none).")
    var trainEvery: Int = 100

    @Flag(help: "Only report --state (no coordinator).")
    var stateOnly = false

    @Option(help: ArgumentHelp("Work in this new directory and keep its state file and reports (for profiling).", valueName: "dir"))
    var keep: String?

    func validate() throws {
        guard (1...1_000_000).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 1000000 (got \(jobs))") }
        guard trainEvery >= 0 else { throw ValidationError("--train-every must be 0 or more (got \(trainEvery))") }
        if let keep, FileManager.default.fileExists(atPath: keep) {
            throw ValidationError("--keep \(keep) exists; name a new directory")
        }
    }

    func run() throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        var configuration = ReportBenchmark.Configuration(executable: URL(fileURLWithPath: ProcessMemory.executablePath))
        configuration.jobs = jobs
        configuration.trainEvery = trainEvery
        configuration.viaCoordinator = !stateOnly
        configuration.directory = keep.map { URL(fileURLWithPath: $0) }
        let result: ReportBenchmark.Result
        do {
            result = try ReportBenchmark(configuration: configuration, logger: Logger(label: "clustersweep.coordinator")).run()
        } catch {
            throw CommandFailure("bench report: \(error)")
        }
        for line in result.lines { print(line) }
        guard result.verified else {
            throw CommandFailure("bench report: a report command failed or left jobs out")
        }
    }
}
