import ArgumentParser
import Foundation

/// The `clustersweep` command: a thin front end; every decision lives in a library module.
@main
struct ClusterSweep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clustersweep",
        abstract: "Distributed sweeps of the explainable-clustering experiment.",
        version: "0.1.0",
        subcommands: [
            TrainCommand.self,
            BenchCommand.self,
            RunCommand.self,
            CoordinatorCommand.self,
            WorkerCommand.self,
            SubmitCommand.self,
            StatusCommand.self,
            SweepsCommand.self,
            JobsCommand.self,
            WatchCommand.self,
            CancelCommand.self,
            RetryCommand.self,
            DeleteCommand.self,
            WorkersCommand.self,
            ReportCommand.self,
            KeygenCommand.self,
            DashboardCommand.self,
        ]
    )

    /// Parses and runs the command, after suggesting the right subcommand for a mistyped one.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let commands = configuration.subcommands.map { $0._commandName }
        if let suggestion = CommandSuggestion.message(for: arguments, commands: commands) {
            printError("Error: \(suggestion)")
            printError("Usage: clustersweep <subcommand>  (clustersweep --help lists them)")
            exit(withError: ExitStatus.usage)
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
