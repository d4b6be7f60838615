import ArgumentParser
import SweepModel
import SweepWire

/// `clustersweep retry SWEEP`: put failed and/or cancelled jobs back in the queue.
struct RetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Re-queue a sweep's failed and cancelled jobs (a cancelled sweep resumes).",
        discussion: """
            Without --failed or --cancelled, both are re-queued. Each job keeps its attempt history \
            (`jobs`, reports) and gets a fresh attempt budget: only attempts after the retry count \
            against max_attempts, which --max-attempts replaces for the sweep. Jobs with a result \
            are never run again.
            """)

    @Argument(help: ArgumentHelp("A sweep id, unique id prefix or name.", valueName: "sweep"))
    var sweep: String

    @Flag(help: "Re-queue the failed jobs.")
    var failed = false

    @Flag(help: "Re-queue the cancelled jobs and resume the sweep.")
    var cancelled = false

    @Option(help: ArgumentHelp("Attempts per job from now on (1...100; default: the sweep's).", valueName: "n"))
    var maxAttempts: Int?

    @Flag(help: "Print the outcome as JSON (keys sorted).")
    var json = false

    @OptionGroup var connection: CoordinatorConnectionOptions

    mutating func validate() throws {
        if let maxAttempts, !(1...100).contains(maxAttempts) {
            throw ValidationError("--max-attempts must be between 1 and 100 (got \(maxAttempts))")
        }
    }

    func run() throws {
        let both = !failed && !cancelled
        let retried = try connection.call { client throws(SweepClientError) in
            try client.retry(
                SweepID(rawValue: sweep), failed: failed || both, cancelled: cancelled || both, maxAttempts: maxAttempts)
        }
        if json {
            print(try JSONOutput.render(retried))
            return
        }
        print("""
            re-queued \(retried.requeued) \(retried.requeued == 1 ? "job" : "jobs") of sweep \(retried.sweep.short) \
            (\(retried.failed) failed, \(retried.cancelled) cancelled), max attempts \(retried.maxAttempts)
            """)
    }
}
