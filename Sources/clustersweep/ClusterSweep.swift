import ArgumentParser

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
            WatchCommand.self,
            CancelCommand.self,
            WorkersCommand.self,
            ReportCommand.self,
            KeygenCommand.self,
            DashboardCommand.self,
        ]
    )
}
