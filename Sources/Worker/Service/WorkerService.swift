import Dispatch
import Foundation
import Logging
import SweepWire

/// A worker process's service: connects to the coordinator, runs jobs on slot threads, keeps
/// heartbeating and reconnecting, and delivers every result until it is acknowledged.
///
/// `run()` blocks the calling thread, which becomes the socket thread (the only owner of the
/// coordinator connection); each slot runs on its own thread and talks to it over in-process channels.
/// `requestStop()` may be called from any thread (e.g. a SIGTERM handler). One-shot: `run()` may
/// be called once.
public final class WorkerService: Sendable {
    public let configuration: WorkerConfiguration
    private let executor: any JobExecutor
    private let logger: Logger
    private let transport: WireTransport
    private let controlEndpoint: String

    public init(
        configuration: WorkerConfiguration, executor: any JobExecutor = BuiltinJobExecutor(),
        logger: Logger = Logger(label: "clustersweep.worker")
    ) throws(WorkerStartError) {
        self.configuration = configuration
        self.executor = executor
        self.logger = logger
        do {
            self.transport = try WireTransport()
        } catch {
            throw WorkerStartError("creating the transport", error)
        }
        self.controlEndpoint = "inproc://clustersweep-worker-control-\(UUID().uuidString)"
    }

    /// Runs until stopped, shut down by the coordinator, out of `maxJobs`, or idle for `idleExit`.
    /// Throws only if the worker cannot start (e.g. a malformed endpoint).
    public func run() throws(WorkerStartError) -> WorkerExit {
        let loop: WorkerLoop
        do throws(TransportError) {
            loop = try WorkerLoop(
                configuration: configuration, executor: executor, logger: logger, transport: transport,
                controlEndpoint: controlEndpoint)
        } catch {
            // Slot threads may already be waiting on their sockets: wake them so they end.
            transport.shutdown()
            throw WorkerStartError("starting the worker (connecting to \(configuration.endpoint))", error)
        }
        let exit = loop.run()
        loop.close()
        // Slot threads end when their sockets fail; terminate waits for them and for the last
        // messages (goodbye) to be flushed within the coordinator socket's linger.
        transport.shutdown()
        transport.terminate()
        return exit
    }

    /// Asks `run()` to stop gracefully: take no more jobs, let running ones finish within the
    /// grace period, hand back the rest, say goodbye. Safe from any thread; idempotent.
    public func requestStop() {
        guard let socket = try? transport.wakeUpSender(linger: 1000) else { return }
        try? socket.connect(controlEndpoint)
        _ = try? socket.trySend([Array("stop".utf8)])
        socket.close()
    }

    /// Calls `requestStop()` on each of `signals` (default SIGTERM and SIGINT) instead of dying.
    /// Keep the returned sources alive as long as the handlers should stay installed.
    public func stopOnSignals(_ signals: [Int32] = [SIGTERM, SIGINT]) -> [any DispatchSourceSignal] {
        SignalHandlers.install(signals) { [weak self] _ in self?.requestStop() }
    }
}
