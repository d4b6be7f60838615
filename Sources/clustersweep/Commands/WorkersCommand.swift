import ArgumentParser
import Foundation
import SweepWire

/// `clustersweep workers`: the workers the coordinator currently considers alive.
struct WorkersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers",
        abstract: "List the live workers: host, pid, slots, running and completed jobs.")

    @Flag(help: "Print the list as JSON (keys sorted).")
    var json = false

    @OptionGroup var connection: CoordinatorConnectionOptions

    func run() throws {
        let workers = try connection.call { client throws(SweepClientError) in try client.workers() }
        if json {
            print(try JSONOutput.render(workers))
            return
        }
        print("WORKER  HOST  PID  SLOTS  RUNNING  COMPLETED  LAST SEEN")
        for w in workers {
            let seen = String(format: "%.1fs ago", Date().timeIntervalSince(w.lastSeen))
            print("\(w.worker)  \(w.host)  \(w.pid)  \(w.slots)  \(w.running)  \(w.completed)  \(seen)")
        }
        print("\(workers.count) workers, \(workers.reduce(0) { $0 + $1.slots }) slots")
    }
}
