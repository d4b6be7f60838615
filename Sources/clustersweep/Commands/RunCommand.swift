import ArgumentParser
import Dashboard
import Foundation
import LocalCluster
import Logging
import Reporting
import Synchronization
import SweepModel
import SweepWire

/// `clustersweep run CONFIG`: the whole sweep on this machine, in one command.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a sweep on this machine: embedded coordinator, local workers, report.",
        discussion: """
            Starts a coordinator with its store in DIR (state.sqlite), spawns local worker \
            processes, shows progress, and writes report.json, report.html and report.csv to DIR. \
            Run it again on the same DIR to resume: only what is missing runs; --retry-failed also \
            runs the jobs that failed before again (and resumes the sweep if it was cancelled). Ctrl-C stops cleanly and keeps every finished \
            result. Each worker's log is DIR/worker-N.log. Exit status: 0 when every job completed, \
            1 when any failed or on error.
            """)

    @Argument(help: ArgumentHelp("The sweep file (YAML or JSON).", valueName: "config"))
    var config: String

    @Option(help: ArgumentHelp("Local worker processes, one job slot each (default: number of cores).", valueName: "n"))
    var workers: Int?

    @Option(help: ArgumentHelp("Directory for the store and the report (default: runs/<sweep name>/).", valueName: "dir"))
    var out: String?

    @Flag(help: "Re-queue the jobs that failed in an earlier run on the same DIR, with a fresh attempt budget.")
    var retryFailed = false

    @Flag(help: "Log the coordinator's activity (info level) on standard error.")
    var verbose = false

    @Option(
        name: .customLong("dashboard"), parsing: .upToNextOption,
        help: ArgumentHelp(
            "Serve the live dashboard of this sweep (default address \(ListenAddress.defaultText)); put it after the config.",
            discussion: "With a terminal attached the page stays up after the sweep until Ctrl-C.",
            valueName: "host:port"))
    var dashboard: [String] = []

    @OptionGroup var dashboardAccess: DashboardAccessOptions

    @OptionGroup var kernels: KernelOptions

    mutating func validate() throws {
        if let workers, !(1...256).contains(workers) {
            throw ValidationError("--workers must be between 1 and 256 (got \(workers))")
        }
        if dashboard.count > 1 {
            throw ValidationError("--dashboard takes at most one HOST:PORT (got \(dashboard.joined(separator: " ")))")
        }
    }

    func run() throws {
        let level: Logger.Level = verbose ? .info : .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var configuration = LocalSweepRunner.Configuration(sweepPath: config, workerExecutable: Self.ownExecutable)
        configuration.outDirectory = out
        if let workers { configuration.workers = workers }
        configuration.retryFailed = retryFailed
        configuration.workerArguments = kernels.arguments
        let stop = StopRequest()
        // `--dashboard` may come without a value, which ArgumentParser cannot tell from absence.
        let live = try Self.dashboardRequested(CommandLine.arguments) || !dashboard.isEmpty
            ? LiveDashboard(
                listen: dashboard.first ?? ListenAddress.defaultText, access: dashboardAccess, stop: stop,
                keepUp: isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1)
            : nil
        if let live {
            configuration.onCoordinatorReady = { endpoint in live.start(coordinator: endpoint) }
            configuration.beforeStopping = { _ in live.holdUntilStopped() }
        }
        defer { live?.stop() }
        let runner = LocalSweepRunner(configuration: configuration, logger: Logger(label: "clustersweep.run"))

        let sources = SignalHandlers.install([SIGINT, SIGTERM]) { _ in stop.request() }
        defer { withExtendedLifetime(sources) {} }

        let interactive = isatty(STDOUT_FILENO) == 1
        var lastLine = Date.distantPast
        let outcome: LocalSweepRunner.Outcome
        do {
            outcome = try runner.run(
                progress: { sweep, workersAlive in
                    let line = StatusText.progressLine(sweep, workers: workersAlive)
                    if interactive {
                        writeOut("\r\u{1B}[2K" + line)
                    } else if Date().timeIntervalSince(lastLine) >= 5 {
                        writeOut(line + "\n")
                        lastLine = Date()
                    }
                },
                shouldStop: { stop.isRequested })
        } catch {
            if interactive { writeOut("\n") }
            throw CommandFailure(error.description)
        }
        if interactive { writeOut("\n") }
        let c = outcome.counts
        var resumed = outcome.alreadyDone > 0 ? " (\(outcome.alreadyDone) already done before this run" : ""
        if outcome.retried > 0 {
            resumed += (resumed.isEmpty ? " (" : "; ") + "\(outcome.retried) failed before, run again"
        }
        if !resumed.isEmpty { resumed += ")" }
        writeOut("""
            sweep '\(outcome.name)' (\(outcome.sweep.short)) finished in \(String(format: "%.2f", outcome.seconds)) s\(resumed): \
            \(c.clustered) clustered, \(c.censored) censored, \(c.diverged) diverged, \(c.failed) failed, \(c.cancelled) cancelled
            report (open report.html in a browser):

            """)
        for file in outcome.reportFiles { writeOut(file.path + "\n") }
        if !outcome.failures.isEmpty {
            writeOut("\nfailed jobs (first \(outcome.failures.count) of \(c.failed); all in report.html):\n")
            for failure in outcome.failures {
                let error = failure.error.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
                writeOut("  \(failure.job.short): \(error)\n")
            }
            let logs = outcome.workerLogs.map(\.path)
            if !logs.isEmpty { writeOut("worker logs: \(logs.joined(separator: ", "))\n") }
            writeOut("run again with --retry-failed to re-run them\n")
        }
        writeOut(Verdict.terminalText(outcome.verdicts))
        if c.failed > 0 || c.cancelled > 0 { throw ExitStatus.failure }
    }

    /// Whether `arguments` hold `--dashboard` (with or without a value) before any `--`.
    static func dashboardRequested(_ arguments: [String]) -> Bool {
        arguments.prefix { $0 != "--" }.contains { $0 == "--dashboard" || $0.hasPrefix("--dashboard=") }
    }

    /// This process's own executable, so the workers run the very same build.
    static var ownExecutable: URL {
        let link = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        if FileManager.default.isExecutableFile(atPath: link.path), link.path != "/proc/self/exe" { return link }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    }
}

/// A stop request set from a signal handler and polled by the run loop.
final class StopRequest: Sendable {
    private let flag = Atomic<Bool>(false)
    func request() { flag.store(true, ordering: .relaxed) }
    var isRequested: Bool { flag.load(ordering: .relaxed) }
}
