import Foundation
import Logging
import SweepWire
import ZeroMQ

/// The socket thread's event loop (see `WorkerService`): polls the coordinator socket, the slot
/// threads and the stop signal, turns what arrives into `WorkerSession` events, and performs the
/// actions the session returns. Every decision is the session's; this class owns the sockets.
/// Owned by one thread.
final class WorkerLoop {
    private let configuration: WorkerConfiguration
    private let logger: Logger
    private let context: ZMQContext
    private let slotSocket: ZMQSocket
    private let control: ZMQSocket
    /// Each slot's routing id, by slot number, and back.
    private let slotRoutes: [[UInt8]]
    private let slotNumbers: [[UInt8]: Int]
    private var coordinator: ZMQSocket?
    /// The coordinator socket's monitor: how a refused CURVE handshake becomes visible.
    private var monitor: ZMQMonitor?
    private var connectionNumber = 0
    private var session: WorkerSession
    private let clockStart = ContinuousClock.now
    private var exit: WorkerExit?

    init(
        configuration: WorkerConfiguration, executor: any JobExecutor, logger: Logger, context: ZMQContext,
        controlEndpoint: String
    ) throws(ZMQError) {
        self.configuration = configuration
        self.logger = logger
        self.context = context
        session = WorkerSession(configuration: configuration)
        slotRoutes = (0..<session.slotCount).map(SlotThread.routingID)
        slotNumbers = Dictionary(uniqueKeysWithValues: slotRoutes.enumerated().map { ($0.element, $0.offset) })
        control = try context.socket(.pull)
        try control.bind(controlEndpoint)
        slotSocket = try context.socket(.router)
        let slotEndpoint = "inproc://clustersweep-worker-slots-\(UUID().uuidString)"
        try slotSocket.bind(slotEndpoint)
        for index in slotRoutes.indices {
            SlotThread(index: index, context: context, endpoint: slotEndpoint, executor: executor).start()
        }
        try handle(.start)
    }

    func close() {
        monitor?.socket.close()
        coordinator?.close()
        slotSocket.close()
        control.close()
    }

    // MARK: - The loop

    func run() -> WorkerExit {
        while exit == nil {
            do {
                try step()
            } catch {
                if error.isShutdown { return session.draining ?? .stopped }
                logger.error("worker loop error", metadata: ["error": "\(error)"])
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        return exit ?? .stopped
    }

    /// One iteration: wait up to 100 ms (less when results are due, `WorkerSession.resultsDueAt`),
    /// take everything waiting, then tick.
    private func step() throws(ZMQError) {
        let poller = ZMQPoller()
        let controlIndex = try poller.register(control)
        let slotIndex = try poller.register(slotSocket)
        let coordinatorIndex = try coordinator.map { socket throws(ZMQError) in try poller.register(socket) }
        let monitorIndex = try monitor.map { monitor throws(ZMQError) in try poller.register(monitor.socket) }
        let ready = try poller.poll(timeoutMilliseconds: pollTimeoutMilliseconds())

        if ready.isReadable(controlIndex) {
            while try control.tryReceive(maxFrames: 1) != nil { try handle(.stopRequested) }
        }
        if ready.isReadable(slotIndex) { try receiveSlotEvents() }
        if let coordinatorIndex, ready.isReadable(coordinatorIndex) { try receiveFromCoordinator() }
        if let monitorIndex, ready.isReadable(monitorIndex) { try receiveMonitorEvents() }
        try handle(.tick)
    }

    private func handle(_ event: WorkerSessionEvent) throws(ZMQError) {
        try perform(session.handle(event, at: instant()))
    }

    private func instant() -> WorkerInstant { WorkerInstant(sinceStart: ContinuousClock.now - clockStart) }

    /// 100 ms, or until the results waiting to be sent are due (rounded up: 0 would spin).
    private func pollTimeoutMilliseconds() -> Int {
        guard let due = session.resultsDueAt else { return 100 }
        let remaining = due - instant()
        let milliseconds = remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
        return Int(min(max(milliseconds + 1, 1), 100))
    }

    /// Each message: the slot's routing id, then one frame per event (several for the jobs of a
    /// batch).
    private func receiveSlotEvents() throws(ZMQError) {
        while let frames = try slotSocket.tryReceive(maxFrames: 1 + SlotCommand.maxBatch) {
            guard frames.count >= 2, let slot = slotNumbers[frames[0]] else { continue }
            for frame in frames.dropFirst() {
                guard let event = try? SlotEvent.decode(frame) else { continue }
                switch event {
                case .started: try handle(.slotStarted(slot: slot))
                case .progress(let progress): try handle(.slotProgress(progress))
                case .finished(let result): try handle(.slotFinished(slot: slot, result))
                case .failed(let failed): try handle(.slotFailed(slot: slot, failed))
                case .abandoned(let attempt): try handle(.slotAbandoned(slot: slot, attempt))
                }
            }
        }
    }

    /// At most 1000 messages per iteration, so slots and timers are served under a flood.
    private func receiveFromCoordinator() throws(ZMQError) {
        var handled = 0
        while handled < 1000, let socket = coordinator, let frames = try socket.tryReceive(maxFrames: 2) {
            handled += 1
            let event: WorkerSessionEvent
            do throws(WireError) {
                if let jobs = try WireCodec.encodedAssignments(frames) {
                    event = .assigned(jobs)
                } else {
                    event = .received(try WireCodec.decodeCoordinatorMessage(frames))
                }
            } catch {
                event = .unreadable(error)
            }
            try handle(event)
        }
    }

    /// Handshake failures on the coordinator connection: the only sign, on the worker's side, that
    /// the coordinator refused its key (the connection itself just retries).
    private func receiveMonitorEvents() throws(ZMQError) {
        while let monitor, let event = try monitor.next(timeoutMilliseconds: 0) {
            let reason: String
            switch event.event {
            case .handshakeFailedAuth: reason = "authentication refused (ZAP status \(event.value))"
            case .handshakeFailedProtocol: reason = "security handshake protocol error (\(event.value))"
            case .handshakeFailedNoDetail: reason = "security handshake failed"
            default: continue
            }
            try handle(.handshakeRefused(reason: reason))
        }
    }

    // MARK: - Actions

    /// Performs the actions in order; consecutive `run`s for one slot leave as one message.
    private func perform(_ actions: [WorkerSessionAction]) throws(ZMQError) {
        var runs: (slot: Int, frames: [[UInt8]])?
        func sendRuns() throws(ZMQError) {
            guard let pending = runs else { return }
            runs = nil
            try slotSocket.send([slotRoutes[pending.slot]] + pending.frames)
        }
        defer { try? sendRuns() }
        for action in actions {
            if case .run(let job, let slot) = action {
                if let pending = runs, pending.slot == slot, pending.frames.count < SlotCommand.maxBatch {
                    runs?.frames.append(SlotCommand.runFrame(job))
                } else {
                    try sendRuns()
                    runs = (slot, [SlotCommand.runFrame(job)])
                }
                continue
            }
            try sendRuns()
            switch action {
            case .connect:
                try connect()
            case .disconnect:
                closeCoordinator()
            case .send(let message):
                let frames: [[UInt8]]
                do throws(WireError) {
                    frames = try WireCodec.encode(message)
                } catch {
                    logger.error("could not encode message", metadata: ["error": "\(error)"])
                    continue
                }
                try sendToCoordinator(frames)
            case .sendResults(let results):
                try sendToCoordinator(WireCodec.encodeResults(results))
            case .run:
                break  // gathered above
            case .abort(let attempt, let slot):
                if let command = try? SlotCommand.abort(attempt).encode() { try slotSocket.send([slotRoutes[slot], command]) }
            case .stop(let slot):
                if let stop = try? SlotCommand.stop.encode() { _ = try? slotSocket.trySend([slotRoutes[slot], stop]) }
            case .log(let notice):
                logger.log(level: notice.level, notice.message, metadata: notice.metadata)
            case .exit(let exit):
                self.exit = exit
            }
        }
    }

    /// A new DEALER with a new routing id (`<worker>#<n>`), so the coordinator's ROUTER never
    /// confuses it with a stale connection.
    private func connect() throws(ZMQError) {
        closeCoordinator()
        connectionNumber += 1
        let socket = try context.socket(.dealer, linger: 1000)
        try socket.set(.routingID(Array("\(configuration.workerID)#\(connectionNumber)".utf8.prefix(255))))
        try socket.set(WireSocketOptions.worker(curve: configuration.curve))
        if configuration.curve != nil {
            monitor = try socket.monitor([.handshakeFailedAuth, .handshakeFailedProtocol, .handshakeFailedNoDetail])
        }
        try socket.connect(configuration.endpoint)
        coordinator = socket
    }

    private func closeCoordinator() {
        monitor?.socket.close()
        monitor = nil
        coordinator?.close()
        coordinator = nil
    }

    /// Sends without blocking; a message the socket cannot take now is dropped (the session
    /// sends everything that matters again: results until acknowledged, hello on reconnect).
    private func sendToCoordinator(_ frames: [[UInt8]]) throws(ZMQError) {
        guard let socket = coordinator else { return }
        _ = try socket.trySend(frames)
    }
}
