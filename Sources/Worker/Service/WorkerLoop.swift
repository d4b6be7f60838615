import Foundation
import Logging
import SweepModel
import SweepWire

/// The socket thread's event loop (see `WorkerService`): polls the coordinator socket, the slot
/// threads and the stop signal, turns what arrives into `WorkerSession` events, and performs the
/// actions the session returns. Every decision is the session's; this class owns the sockets.
/// Owned by one thread.
final class WorkerLoop {
    private let configuration: WorkerConfiguration
    private let logger: Logger
    private let transport: WireTransport
    private let slotSocket: WireChannel
    private let control: WireChannel
    /// Each slot's routing id, by slot number, and back.
    private let slotRoutes: [[UInt8]]
    private let slotNumbers: [[UInt8]: Int]
    private var coordinator: WireChannel?
    /// The coordinator connection's handshake monitor: how a refused CURVE key becomes visible.
    private var monitor: HandshakeMonitor?
    private var connectionNumber = 0
    private var session: WorkerSession
    private let clockStart = ContinuousClock.now
    private var exit: WorkerExit?

    init(
        configuration: WorkerConfiguration, executor: any JobExecutor, logger: Logger, transport: WireTransport,
        controlEndpoint: String
    ) throws(TransportError) {
        self.configuration = configuration
        self.logger = logger
        self.transport = transport
        session = WorkerSession(configuration: configuration)
        slotRoutes = (0..<session.slotCount).map(SlotThread.routingID)
        slotNumbers = Dictionary(uniqueKeysWithValues: slotRoutes.enumerated().map { ($0.element, $0.offset) })
        control = try transport.wakeUpReceiver(bind: controlEndpoint)
        let slotEndpoint = "inproc://clustersweep-worker-slots-\(UUID().uuidString)"
        slotSocket = try transport.hub(bind: slotEndpoint)
        for index in slotRoutes.indices {
            SlotThread(index: index, transport: transport, endpoint: slotEndpoint, executor: executor).start()
        }
        try handle(.start)
    }

    func close() {
        monitor?.close()
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
    private func step() throws(TransportError) {
        let poller = ChannelPoller()
        let controlIndex = try poller.register(control)
        let slotIndex = try poller.register(slotSocket)
        let coordinatorIndex = try coordinator.map { channel throws(TransportError) in try poller.register(channel) }
        let monitorIndex = try monitor.map { monitor throws(TransportError) in try poller.register(monitor) }
        let ready = try poller.poll(timeoutMilliseconds: pollTimeoutMilliseconds())

        if ready.isReadable(controlIndex) {
            while try control.tryReceive(maxFrames: 1) != nil { try handle(.stopRequested) }
        }
        if ready.isReadable(slotIndex) { try receiveSlotEvents() }
        if let coordinatorIndex, ready.isReadable(coordinatorIndex) { try receiveFromCoordinator() }
        if let monitorIndex, ready.isReadable(monitorIndex) { try receiveMonitorEvents() }
        try handle(.tick)
    }

    private func handle(_ event: WorkerSessionEvent) throws(TransportError) {
        try perform(session.handle(event, at: instant()))
    }

    private func instant() -> WorkerInstant { WorkerInstant(sinceStart: ContinuousClock.now - clockStart) }

    /// 100 ms, or until the results waiting to be sent are due (rounded up: 0 would spin).
    private func pollTimeoutMilliseconds() -> Int {
        guard let due = session.resultsDueAt else { return 100 }
        let remaining = due - instant()
        return Int(min(max(remaining.milliseconds + 1, 1), 100))
    }

    /// Each message: the slot's routing id, then one frame per event (several for the jobs of a
    /// batch).
    private func receiveSlotEvents() throws(TransportError) {
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
    private func receiveFromCoordinator() throws(TransportError) {
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
    private func receiveMonitorEvents() throws(TransportError) {
        while let monitor, let reason = try monitor.nextFailure() {
            try handle(.handshakeRefused(reason: reason))
        }
    }

    // MARK: - Actions

    /// Performs the actions in order; consecutive `run`s for one slot leave as one message.
    private func perform(_ actions: [WorkerSessionAction]) throws(TransportError) {
        var runs: (slot: Int, frames: [[UInt8]])?
        func sendRuns() throws(TransportError) {
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
    private func connect() throws(TransportError) {
        closeCoordinator()
        connectionNumber += 1
        let channel = try transport.workerConnection(
            to: configuration.endpoint, routingID: Array("\(configuration.workerID)#\(connectionNumber)".utf8),
            curve: configuration.curve, linger: 1000)
        coordinator = channel
        if configuration.curve != nil { monitor = try channel.handshakeMonitor() }
    }

    private func closeCoordinator() {
        monitor?.close()
        monitor = nil
        coordinator?.close()
        coordinator = nil
    }

    /// Sends without blocking; a message the socket cannot take now is dropped (the session
    /// sends everything that matters again: results until acknowledged, hello on reconnect).
    private func sendToCoordinator(_ frames: [[UInt8]]) throws(TransportError) {
        guard let socket = coordinator else { return }
        _ = try socket.trySend(frames)
    }
}
