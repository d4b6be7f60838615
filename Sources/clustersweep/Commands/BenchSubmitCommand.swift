import ArgumentParser
import LocalCluster

/// `clustersweep bench submit`: how a big sweep's submission costs the coordinator.
struct BenchSubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Time the submission of a big noop sweep and the status answers during it.",
        discussion: """
            Starts a coordinator on a temporary state file in this process (no workers), submits \
            a noop sweep of --jobs seeds while a second client polls `status` every 10 ms, and \
            prints the submit's wall time, the slowest status answered during and after it, the \
            process's peak RSS, the store's bytes per pending job, and how many times the \
            coordinator logged that its loop was busy (it should be 0). Build with \
            `make release` for meaningful figures.
            """)

    @Option(help: "Noop jobs in the sweep (1 to 1000000).")
    var jobs: Int = 1_000_000

    func validate() throws {
        guard (1...1_000_000).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 1000000 (got \(jobs))") }
    }

    func run() throws {
        var configuration = SubmitBenchmark.Configuration()
        configuration.jobs = jobs
        let result: SubmitBenchmark.Result
        do {
            result = try SubmitBenchmark(configuration: configuration).run()
        } catch {
            throw CommandFailure("bench submit: \(error)")
        }
        for line in result.lines { print(line) }
    }
}
