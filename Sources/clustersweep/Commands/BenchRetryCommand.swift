import ArgumentParser
import LocalCluster

/// `clustersweep bench retry`: how re-queueing a big failed sweep costs the coordinator.
struct BenchRetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Time the retry of a big failed noop sweep and the status answers during it.",
        discussion: """
            Writes a state file whose sweep of --jobs noop jobs all failed, starts a coordinator on \
            it in this process (no workers), asks it to retry the failed jobs while a second client \
            polls `status` every 10 ms, and prints the retry's wall time, the slowest status \
            answered meanwhile, how many times the coordinator logged that its loop was busy (it \
            should be 0), and, side by side, the same re-queueing done by the store in one \
            transaction. Build with `make release` for meaningful figures.
            """)

    @Option(help: "Failed noop jobs in the sweep (1 to 1000000).")
    var jobs: Int = 200_000

    func validate() throws {
        guard (1...1_000_000).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 1000000 (got \(jobs))") }
    }

    func run() throws {
        var configuration = RetryBenchmark.Configuration()
        configuration.jobs = jobs
        let result: RetryBenchmark.Result
        do {
            result = try RetryBenchmark(configuration: configuration).run()
        } catch {
            throw CommandFailure(error.description)
        }
        for line in result.lines { print(line) }
    }
}
