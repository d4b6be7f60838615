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

    @Flag(help: "Print no progress, then the sweep's final status as JSON (keys sorted).")
    var json = false

    @OptionGroup var connection: CoordinatorConnectionOptions

    mutating func validate() throws {
        guard interval.isFinite, interval >= 0.05 else {
            throw ValidationError("--interval must be at least 0.05 seconds (got \(interval))")
        }
    }

    func run() throws {
        let client = try connection.makeClient()
        let interactive = !json && isatty(STDOUT_FILENO) == 1
        var lastPrinted = Date.distantPast
        let final: ClientReply.SweepStatus
        do {
            final = try client.waitUntilEnded(
                SweepID(rawValue: sweep), interval: .milliseconds(Int64(interval * 1000)),
                progress: { current, overall in
                    guard !json else { return }
                    let line = StatusText.progressLine(current, workers: overall.workersAlive)
                    if interactive {
                        writeOut("\r\u{1B}[2K" + line)
                    } else if current.hasEnded || Date().timeIntervalSince(lastPrinted) >= 5 {
                        writeOut(line + "\n")
                        lastPrinted = Date()
                    }
                })
        } catch .transport(let error) {
            // The coordinator stopped answering: exit 2, which scripts tell apart from failed jobs.
            if interactive { writeOut("\n") }
            printError("error: \(error)")
            throw ExitStatus.coordinatorLost
        } catch {
            if interactive { writeOut("\n") }
            throw CommandFailure(error.description)
        }
        if interactive { writeOut("\n") }
        let c = final.counts
        if json {
            print(try JSONOutput.render(final))
            if c.failed > 0 || final.cancelled { throw ExitStatus.failure }
            return
        }
        writeOut("sweep '\(final.name)' \(final.cancelled ? "cancelled" : "finished"): \(c.clustered) clustered, \(c.censored) censored, \(c.diverged) diverged, \(c.failed) failed, \(c.cancelled) cancelled\n")
        if c.failed > 0 || final.cancelled { throw ExitStatus.failure }
    }
}
