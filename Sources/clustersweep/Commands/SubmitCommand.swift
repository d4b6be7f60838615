import ArgumentParser
import SweepModel
import SweepWire

/// `clustersweep submit CONFIG`: validates a sweep file locally, submits it, prints its id.
struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Validate a sweep file and submit it to the coordinator.",
        discussion: """
            The sweep id is printed alone on the last line of standard output, for scripts:
              SWEEP=$(clustersweep submit configs/paper.yaml | tail -n 1)
            Submitting the same file again is idempotent: same id, nothing runs twice.
            """)

    @Argument(help: ArgumentHelp("The sweep file (YAML or JSON).", valueName: "config"))
    var config: String

    @OptionGroup var connection: CoordinatorConnectionOptions

    func run() throws {
        let spec: SweepSpec
        do {
            spec = try SweepFile.load(path: config)
        } catch {
            throw CommandFailure(error.description)
        }
        let text: String
        do {
            text = try String(contentsOfFile: config, encoding: .utf8)
        } catch {
            throw CommandFailure("cannot read \(config): \(error.localizedDescription)")
        }
        let submitted = try connection.call { client throws(SweepClientError) in
            try client.submit(sourceText: text, sourceName: config)
        }
        let note = submitted.resubmitted ? " (already submitted: nothing new to run)" : ""
        print("submitted sweep '\(submitted.name)': \(submitted.totalJobs) jobs, \(submitted.alreadyDone) already done\(note)")
        if submitted.sweep != spec.id {
            printError("warning: the coordinator named the sweep \(submitted.sweep), local id \(spec.id)")
        }
        print(submitted.sweep.rawValue)
    }
}
