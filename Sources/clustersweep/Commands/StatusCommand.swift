import ArgumentParser
import Foundation
import SweepModel
import SweepWire

/// `clustersweep status [SWEEP] [--json]`: counts per status, workers alive, rate and ETA.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show progress of one sweep or of all sweeps.",
        discussion: "With --state FILE the state file is read offline (counts only: no workers, no rate).")

    @Argument(help: ArgumentHelp("A sweep id, unique id prefix or name (default: all sweeps).", valueName: "sweep"))
    var sweep: String?

    @Flag(help: "Print the status as JSON (keys sorted) instead of a table.")
    var json = false

    @OptionGroup var source: SweepSourceOptions

    func run() throws {
        let status = try source.status(sweep)
        if json {
            print(try JSONOutput.render(status))
        } else {
            print(StatusText.table(status), terminator: "")
        }
    }
}
