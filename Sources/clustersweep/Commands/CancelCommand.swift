import ArgumentParser
import SweepModel
import SweepWire

/// `clustersweep cancel SWEEP`: stop handing out a sweep's jobs and abort its running ones.
struct CancelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a sweep: no new jobs start, running ones are aborted.",
        discussion: """
            Jobs that another live sweep shares keep running for that sweep. Completed results stay. \
            `clustersweep retry SWEEP --cancelled` resumes a cancelled sweep. Exit status 3 when the \
            sweep had already ended (finished or cancelled): nothing was cancelled.
            """)

    @Argument(help: ArgumentHelp("A sweep id, unique id prefix or name.", valueName: "sweep"))
    var sweep: String

    @Flag(help: "Print the outcome as JSON (keys sorted).")
    var json = false

    @OptionGroup var connection: CoordinatorConnectionOptions

    func run() throws {
        let cancelled = try connection.call { client throws(SweepClientError) in
            try client.cancel(SweepID(rawValue: sweep))
        }
        if json {
            print(try JSONOutput.render(cancelled))
        } else if cancelled.alreadyEnded {
            print("sweep \(cancelled.sweep.short) had already ended: nothing to cancel")
        } else {
            print("cancelled sweep \(cancelled.sweep.short): \(cancelled.jobsCancelled) \(cancelled.jobsCancelled == 1 ? "job" : "jobs") cancelled")
        }
        if cancelled.alreadyEnded { throw ExitStatus.alreadyEnded }
    }
}
