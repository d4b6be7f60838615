import Benchmarks
import Foundation
import ZeroMQ

/// The bare ZeroMQ request-reply loop that `bench dispatch` prints beside ClusterSweep's own rate:
/// a ROUTER in this process and `peers` DEALER processes of the `clustersweep` binary
/// (`bench request-reply-peer`), one request in flight per peer, no decoding, no persistence. A
/// dispatcher that sent one job per message and waited for its result would reach at most this on
/// the same machine; batching is how ClusterSweep goes past it.
public struct RequestReplyBenchmark: Sendable {
    /// DEALER processes (the same count as the dispatch benchmark's workers).
    public var peers: Int
    /// Round trips in all.
    public var roundTrips: Int
    /// Bytes per request and per reply (about one encoded noop assignment).
    public var payloadBytes = 256
    /// The `clustersweep` executable the peers run.
    public var executable: URL
    /// The whole run gives up after this long.
    public var timeout: Duration = .seconds(120)

    public init(peers: Int, roundTrips: Int, executable: URL) {
        self.peers = peers
        self.roundTrips = roundTrips
        self.executable = executable
    }

    /// Runs the loop; throws `BenchmarkFailure.setUp` when a peer cannot start or the loop
    /// does not finish in time.
    public func run() throws(BenchmarkFailure) -> RequestReplyLoop.Figures {
        let context: ZMQContext
        let router: ZMQSocket
        let endpoint: String
        do {
            context = try ZMQContext()
            router = try context.socket(.router)
            try router.set(.routerMandatory(true))
            try router.bind("tcp://127.0.0.1:*")
            endpoint = try router.lastEndpoint()
        } catch {
            throw .setUp("bare ZeroMQ loop: \(error)")
        }
        defer {
            router.close()
            context.terminate()
        }
        var processes: [Process] = []
        defer { Self.reap(processes) }
        for _ in 0..<max(1, peers) {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["bench", "request-reply-peer", "--connect", endpoint, "--idle-seconds", "30"]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            do {
                try process.run()
            } catch {
                throw .setUp("bare ZeroMQ loop: cannot start \(executable.path): \(error)")
            }
            processes.append(process)
        }
        let figures: RequestReplyLoop.Figures?
        do {
            figures = try RequestReplyLoop.serve(
                router: router, peers: max(1, peers), roundTrips: roundTrips, payloadBytes: payloadBytes, timeout: timeout)
        } catch {
            throw .setUp("bare ZeroMQ loop: \(error)")
        }
        guard let figures else { throw .setUp("bare ZeroMQ loop: did not finish within \(timeout)") }
        return figures
    }

    /// Waits up to 5 s for the peers (told to stop) to exit, then kills what is left.
    private static func reap(_ processes: [Process]) {
        let deadline = ContinuousClock.now + .seconds(5)
        while processes.contains(where: \.isRunning), ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        for process in processes where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
