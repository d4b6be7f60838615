import ArgumentParser
import Foundation
import LocalCluster

/// `clustersweep bench retry`: how re-queueing a big failed sweep costs the coordinator.
struct BenchRetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Time the retry of a big failed noop sweep and the status answers during it.",
        discussion: """
            Writes a state file whose sweep of --jobs noop jobs all failed, starts a coordinator on \
            it in this process with --workers local worker processes of --slots slots, asks it to \
            retry the failed jobs while a second client polls `status` every 10 ms, and waits until \
            every job is final again. Prints the retry's answer time, the run's time, the slowest \
            status answered meanwhile, the process's peak RSS, how many times the coordinator \
            logged that its loop was busy (it should be 0), and, side by side, the same re-queueing \
            done by the store in one transaction. Build with `make release` for meaningful figures.
            """)

    @Option(help: "Failed noop jobs in the sweep (1 to 1000000).")
    var jobs: Int = 200_000

    @Option(help: "Worker processes (1 to 64).")
    var workers: Int = 2

    @Option(help: "Slots per worker (1 to 64).")
    var slots: Int = 8

    func validate() throws {
        guard (1...1_000_000).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 1000000 (got \(jobs))") }
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be between 1 and 64 (got \(workers))") }
        guard (1...64).contains(slots) else { throw ValidationError("--slots must be between 1 and 64 (got \(slots))") }
    }

    func run() throws {
        var configuration = RetryBenchmark.Configuration(workerExecutable: URL(fileURLWithPath: ProcessMemory.executablePath))
        configuration.jobs = jobs
        configuration.workers = workers
        configuration.slots = slots
        let result: RetryBenchmark.Result
        do {
            result = try RetryBenchmark(configuration: configuration).run()
        } catch {
            throw CommandFailure("bench retry: \(error)")
        }
        for line in result.lines { print(line) }
    }
}
