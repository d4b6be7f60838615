import ArgumentParser
import Foundation
import LocalCluster
import SweepModel
import SweepWire

/// `clustersweep delete SWEEP`: remove an ended sweep, keeping results other sweeps share.
struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete an ended sweep and the results no other sweep shares.",
        discussion: """
            Only a finished or cancelled sweep can be deleted (cancel a running one first). Jobs that \
            another sweep also holds keep their results. Asks for confirmation unless --yes is given \
            (and refuses without --yes when standard input is not a terminal). With --state FILE it \
            edits the state file directly; a coordinator running on that file must be used instead.
            """)

    @Argument(help: ArgumentHelp("A sweep id, unique id prefix or name.", valueName: "sweep"))
    var sweep: String

    @Flag(help: "Delete without asking.")
    var yes = false

    @Flag(help: "Print the outcome as JSON (keys sorted).")
    var json = false

    @Option(help: ArgumentHelp("Delete from this state file (no coordinator may be running on it).", valueName: "file"))
    var state: String?

    @OptionGroup var connection: CoordinatorConnectionOptions

    func run() throws {
        if !yes {
            guard isatty(STDIN_FILENO) == 1 else {
                throw CommandFailure("delete asks for confirmation; pass --yes to delete '\(sweep)' without asking")
            }
            writeOut("Delete sweep '\(sweep)' and the results only it holds? This cannot be undone. [y/N] ")
            let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            guard answer == "y" || answer == "yes" else {
                print("nothing deleted")
                return
            }
        }
        let deleted: ClientReply.Deleted
        if let state {
            do {
                deleted = try StateFileEditor(path: state).delete(sweep)
            } catch {
                throw CommandFailure(error.description)
            }
        } else {
            let client = try connection.makeClient()
            do {
                deleted = try client.delete(SweepID(rawValue: sweep))
            } catch .transport(.unreachable(let endpoint, let seconds)) {
                // The coordinator answers a delete when the last slice is gone: a big sweep takes a while.
                throw CommandFailure(
                    "no answer from \(endpoint) within \(seconds) s: if the coordinator is up, it may still be deleting a "
                        + "large sweep (it goes on by itself, and `clustersweep sweeps` no longer lists it); otherwise it is "
                        + "down or unreachable. Give --timeout SECONDS to wait longer")
            } catch {
                throw CommandFailure(error.description)
            }
        }
        if json {
            print(try JSONOutput.render(deleted))
            return
        }
        print("""
            deleted sweep '\(deleted.name)' (\(deleted.sweep.short)): \(StatusText.plural(deleted.jobsRemoved, "job")) removed, \
            \(deleted.jobsKept) kept for other sweeps
            """)
    }
}
