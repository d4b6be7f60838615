import ArgumentParser
import Foundation
import SweepWire

/// `clustersweep sweeps`: every sweep, one line each, with its counts and times.
struct SweepsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweeps",
        abstract: "List the sweeps: id, name, counts per status, created, finished.",
        discussion: "Ids are shown as long as it takes to tell them apart (12 characters at least).")

    @Flag(help: "Print the list as JSON (keys sorted).")
    var json = false

    @OptionGroup var source: SweepSourceOptions

    func run() throws {
        let sweeps = try source.status(nil).sweeps
        if json {
            print(try JSONOutput.render(sweeps))
            return
        }
        print(StatusText.sweepList(sweeps), terminator: "")
    }
}
