import Benchmarks
import ArgumentParser
import ZeroMQ

/// `clustersweep bench request-reply-peer`: one DEALER of `bench dispatch`'s bare ZeroMQ loop, run
/// as its own process so the loop crosses processes as the coordinator and workers do. Hidden: only
/// the benchmark starts it.
struct BenchPeerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request-reply-peer",
        abstract: "One peer of bench dispatch's bare ZeroMQ request-reply loop (started by the bench).",
        shouldDisplay: false)

    @Option(help: "The bench's ROUTER endpoint.")
    var connect: String

    @Option(help: "Exit after this many seconds without a request.")
    var idleSeconds: Int = 30

    func run() throws {
        let context = try ZMQContext()
        defer { context.terminate() }
        _ = try RequestReplyLoop.peer(context: context, endpoint: connect, idleSeconds: idleSeconds)
    }
}
