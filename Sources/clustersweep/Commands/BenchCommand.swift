import ArgumentParser

/// `clustersweep bench`: performance measurements (not timed tests); one subcommand per part.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the speed of ClusterSweep's parts.",
        subcommands: [
            BenchCoreCommand.self, BenchDispatchCommand.self, BenchSubmitCommand.self, BenchRetryCommand.self, BenchReportCommand.self,
            BenchWireCommand.self, BenchPeerCommand.self,
        ]
    )
}
