import ArgumentParser
import Reporting
import SweepModel
import SweepWire
import Foundation

/// `clustersweep submit CONFIG`: validates a sweep file locally, submits it, prints its id.
struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Validate a sweep file and submit it to the coordinator.",
        discussion: """
            The sweep id is printed alone on the last line of standard output, for scripts:
              SWEEP=$(clustersweep submit configs/paper.yaml | tail -n 1)
            Submitting the same file again is idempotent: same id, nothing runs twice. --dry-run \
            submits nothing: it prints the plan (jobs, the values of each varying parameter, one \
            job's resolved parameters) and asks the coordinator how much of it is already done.
            """)

    @Argument(help: ArgumentHelp("The sweep file (YAML or JSON).", valueName: "config"))
    var config: String

    @Flag(help: "Print the plan and what is already done; submit nothing.")
    var dryRun = false

    @Flag(help: "Print the outcome as JSON (keys sorted).")
    var json = false

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
        if dryRun {
            try printPlan(spec: spec, text: text)
            return
        }
        let submitted = try connection.call { client throws(SweepClientError) in
            try client.submit(sourceText: text, sourceName: config)
        }
        if json {
            print(try JSONOutput.render(submitted))
            return
        }
        let note = submitted.resubmitted ? " (already submitted: nothing new to run)" : ""
        print("submitted sweep '\(submitted.name)': \(submitted.totalJobs) jobs, \(submitted.alreadyDone) already done\(note)")
        print(submitted.sweep.rawValue)
    }

    /// The dry run: the plan from the file, what the coordinator already holds of it.
    private func printPlan(spec: SweepSpec, text: String) throws {
        let summary = PlanSummary(spec)
        let planned = try connection.call { client throws(SweepClientError) in
            try client.plan(sourceText: text, sourceName: config)
        }
        if json {
            struct DryRun: Encodable {
                var planned: ClientReply.Planned
                var plan: PlanSummary
            }
            print(try JSONOutput.render(DryRun(planned: planned, plan: summary)))
            return
        }
        let state = planned.alreadySubmitted ? "already submitted" : "not submitted yet"
        print("sweep '\(planned.name)' (\(planned.sweep.short), \(state)): \(planned.totalJobs) jobs, "
            + "\(planned.alreadyDone) already done, \(planned.alreadyFailed) failed or cancelled before, "
            + "\(planned.totalJobs - planned.alreadyDone - planned.alreadyFailed) to run")
        for line in summary.axisLines { print("  \(line)") }
        let sample = summary.sample.keys.sorted().map { "\($0)=\(summary.sample[$0]?.description ?? "")" }
        print("first job: " + sample.joined(separator: " "))
        print("nothing was submitted (dry run)")
    }
}
