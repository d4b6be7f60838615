import ArgumentParser
import Foundation
import SweepWire

/// `clustersweep workers`: the workers the coordinator currently considers alive.
struct WorkersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers",
        abstract: "List the live workers: host, pid, slots, running, queued and completed jobs.")

    @Flag(help: "Print the list as JSON (keys sorted).")
    var json = false

    @OptionGroup var connection: CoordinatorConnectionOptions

    func run() throws {
        let workers = try connection.call { client throws(SweepClientError) in try client.workers() }
        if json {
            print(try JSONOutput.render(workers))
            return
        }
        print(StatusText.workerTable(workers), terminator: "")
    }
}
