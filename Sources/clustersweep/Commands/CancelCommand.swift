import ArgumentParser
import SweepModel
import SweepWire

/// `clustersweep cancel SWEEP`: stop handing out a sweep's jobs and abort its running ones.
struct CancelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a sweep: no new jobs start, running ones are aborted.",
        discussion: "Jobs that another live sweep shares keep running for that sweep. Completed results stay.")

    @Argument(help: ArgumentHelp("A sweep id, unique id prefix or name.", valueName: "sweep"))
    var sweep: String

    @OptionGroup var connection: CoordinatorConnectionOptions

    func run() throws {
        let cancelled = try connection.call { client throws(SweepClientError) in
            try client.cancel(SweepID(rawValue: sweep))
        }
        print("cancelled sweep \(cancelled.sweep.short): \(cancelled.jobsCancelled) jobs cancelled")
    }
}
