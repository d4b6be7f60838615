import ArgumentParser
import Foundation
import SweepModel
import SweepWire

/// `clustersweep watch SWEEP`: a live progress bar until the sweep ends.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow a sweep's progress until it ends.",
        discussion: """
            Exit status: 0 when every job completed (clustered, censored or diverged), 1 when any \
            job failed or the sweep was cancelled, 2 when the coordinator stopped answering.
            """)

    @Argument(help: ArgumentHelp("A sweep id, unique id prefix or name.", valueName: "sweep"))
    var sweep: String

    @Option(help: ArgumentHelp("Seconds between updates.", valueName: "seconds"))
    var interval: Double = 0.5

    @OptionGroup var connection: CoordinatorConnectionOptions

    mutating func validate() throws {
        guard interval.isFinite, interval >= 0.05 else {
            throw ValidationError("--interval must be at least 0.05 seconds (got \(interval))")
        }
    }

    func run() throws {
        let client = try connection.makeClient()
        let interactive = isatty(STDOUT_FILENO) == 1
        var lastPrinted = Date.distantPast
        while true {
            let reply: ClientReply
            do {
                reply = try ClientCall.send(.status(.init(sweep: SweepID(rawValue: sweep))), with: client)
            } catch {
                if interactive { writeOut("\n") }
                printError("error: \(error)")
                throw ExitCode(2)
            }
            guard case .status(let status) = reply, let current = status.sweeps.first else {
                throw CommandFailure("unexpected reply '\(reply.kind)' to status")
            }
            let line = StatusText.progressLine(current, workers: status.workersAlive)
            let ended = current.hasEnded
            if interactive {
                writeOut("\r\u{1B}[2K" + line)
            } else if ended || Date().timeIntervalSince(lastPrinted) >= 5 {
                writeOut(line + "\n")
                lastPrinted = Date()
            }
            if ended {
                if interactive { writeOut("\n") }
                let c = current.counts
                writeOut("sweep '\(current.name)' \(current.cancelled ? "cancelled" : "finished"): \(c.clustered) clustered, \(c.censored) censored, \(c.diverged) diverged, \(c.failed) failed, \(c.cancelled) cancelled\n")
                if c.failed > 0 || current.cancelled { throw ExitCode(1) }
                return
            }
            Thread.sleep(forTimeInterval: interval)
        }
    }
}
