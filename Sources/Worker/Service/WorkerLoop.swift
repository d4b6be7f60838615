import Foundation
import Logging
import SweepModel
import SweepWire
import ZeroMQ

/// The socket thread's state and event loop (see `WorkerService`). Owned by one thread.
final class WorkerLoop {
    private enum Outcome {
        case completed(EncodedResult)
        case failed(FailedJob)
    }

    private struct Drain {
        let exit: WorkerExit
        let deadline: ContinuousClock.Instant
        var abortsSent = false
    }

    private let configuration: WorkerConfiguration
    private let logger: Logger
    private let context: ZMQContext
    private let slotSocket: ZMQSocket
    private let control: ZMQSocket
    private var coordinator: ZMQSocket?
    private var connectionNumber = 0

    // Slots and jobs.
    private var slotCount = 0
    private var idleSlots: [[UInt8]] = []
    private var running: [JobAttempt: [UInt8]] = [:]
    /// When each running job went to its slot, and the jobs' average duration (a moving average
    /// over the last ~16 jobs; `nil` before the first), which sets the default prefetch.
    private var startedAt: [JobAttempt: ContinuousClock.Instant] = [:]
    private var averageJobSeconds: Double?
    /// Jobs received and not yet handed to a slot, still in their wire encoding.
    private var queue: [EncodedAssignment] = []
    private var jobsTaken = 0

    // Delivery: outcomes kept until acknowledged, and when each was last sent.
    private var unacked: [JobAttempt: Outcome] = [:]
    private var lastDelivery: [JobAttempt: ContinuousClock.Instant] = [:]
    private var outResults: [EncodedResult] = []
    private var outFailures: [FailedJob] = []
    private var outReleased: [JobAttempt] = []

    // Session with the coordinator.
    private var welcomed = false
    private var receivedInSession = 0
    private var lastReadyWants = -1
    private var readyDue = false
    private var lastHeard = ContinuousClock.now
    private var lastSent = ContinuousClock.now
    private var helloSentAt = ContinuousClock.now
    private var reconnectAt: ContinuousClock.Instant?
    private var backoff: Duration
    private var heartbeatInterval: Duration
    private var liveness: Int

    // Lifecycle.
    private var lastBusy = ContinuousClock.now
    private var drain: Drain?
    private var exit: WorkerExit?

    init(
        configuration: WorkerConfiguration, executor: any JobExecutor, logger: Logger, context: ZMQContext,
        controlEndpoint: String
    ) throws(ZMQError) {
        self.configuration = configuration
        self.logger = logger
        self.context = context
        self.backoff = configuration.reconnectInitial
        self.heartbeatInterval = configuration.heartbeatInterval
        self.liveness = max(1, configuration.heartbeatLiveness)
        control = try context.socket(.pull)
        try control.bind(controlEndpoint)
        slotSocket = try context.socket(.router)
        let slotEndpoint = "inproc://clustersweep-worker-slots-\(UUID().uuidString)"
        try slotSocket.bind(slotEndpoint)
        slotCount = max(1, configuration.slots)
        for index in 0..<slotCount {
            SlotThread(index: index, context: context, endpoint: slotEndpoint, executor: executor).start()
        }
        try connect()
    }

    func close() {
        coordinator?.close()
        slotSocket.close()
        control.close()
    }

    // MARK: - The loop

    func run() -> WorkerExit {
        logger.info("worker starting", metadata: [
            "worker": "\(configuration.workerID)", "endpoint": "\(configuration.endpoint)", "slots": "\(slotCount)",
        ])
        while exit == nil {
            do {
                try step()
            } catch {
                if error.isShutdown { return drain?.exit ?? .stopped }
                logger.error("worker loop error", metadata: ["error": "\(error)"])
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        return exit ?? .stopped
    }

    private func step() throws(ZMQError) {
        let poller = ZMQPoller()
        let controlIndex = try poller.register(control)
        let slotIndex = try poller.register(slotSocket)
        let coordinatorIndex = try coordinator.map { socket throws(ZMQError) in try poller.register(socket) }
        let ready = try poller.poll(timeoutMilliseconds: 100)
        let now = ContinuousClock.now

        if ready.isReadable(controlIndex) {
            while try control.tryReceive(maxFrames: 1) != nil {
                beginDrain(exit: .stopped, grace: configuration.gracePeriod, now: now)
            }
        }
        if ready.isReadable(slotIndex) { try drainSlotEvents() }
        if let coordinatorIndex, ready.isReadable(coordinatorIndex) { try drainCoordinator(now: now) }
        try dispatchJobs()
        try timers(now: ContinuousClock.now)
        try flush()
    }

    // MARK: - Slots

    private func drainSlotEvents() throws(ZMQError) {
        while let frames = try slotSocket.tryReceive(maxFrames: 2) {
            guard frames.count == 2, let event = try? SlotEvent.decode(frames[1]) else { continue }
            let slot = frames[0]
            switch event {
            case .started:
                idleSlots.append(slot)
            case .progress(let progress):
                try sendToCoordinator(.progress(progress))
            case .finished(let completed):
                finish(completed.jobAttempt, slot: slot)
                unacked[completed.jobAttempt] = .completed(completed)
                outResults.append(completed)
            case .failed(let failed):
                finish(failed.jobAttempt, slot: slot)
                unacked[failed.jobAttempt] = .failed(failed)
                outFailures.append(failed)
                logger.warning("job failed", metadata: ["job": "\(failed.job.short)", "attempt": "\(failed.attempt)", "error": "\(failed.error)"])
            case .abandoned(let attempt):
                finish(attempt, slot: slot)
                outReleased.append(attempt)
            }
        }
    }

    private func finish(_ attempt: JobAttempt, slot: [UInt8]) {
        running[attempt] = nil
        if let start = startedAt.removeValue(forKey: attempt) {
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            averageJobSeconds = averageJobSeconds.map { $0 + (seconds - $0) / 16 } ?? seconds
        }
        idleSlots.append(slot)
        readyDue = true
        lastBusy = ContinuousClock.now
    }

    private func dispatchJobs() throws(ZMQError) {
        while !idleSlots.isEmpty, !queue.isEmpty {
            let job = queue.removeFirst()
            let slot = idleSlots.removeLast()
            try slotSocket.send([slot, SlotCommand.runFrame(job)])
            running[job.jobAttempt] = slot
            lastBusy = ContinuousClock.now
            startedAt[job.jobAttempt] = lastBusy
        }
    }

    private func abortRunning(_ attempt: JobAttempt) throws(ZMQError) {
        guard let slot = running[attempt], let command = try? SlotCommand.abort(attempt).encode() else { return }
        try slotSocket.send([slot, command])
    }

    // MARK: - Coordinator

    private func connect() throws(ZMQError) {
        coordinator?.close()
        connectionNumber += 1
        let socket = try context.socket(.dealer, linger: 1000)
        try socket.set(.routingID(Array("\(configuration.workerID)#\(connectionNumber)".utf8.prefix(255))))
        try socket.set(WireSocketOptions.worker(curve: configuration.curve))
        try socket.connect(configuration.endpoint)
        coordinator = socket
        welcomed = false
        lastHeard = ContinuousClock.now
        reconnectAt = nil
        try sendHello()
    }

    private func sendHello() throws(ZMQError) {
        var running = Array(self.running.keys)
        running += queue.map(\.jobAttempt)
        var finished: [CompletedJob] = []
        var failed: [FailedJob] = []
        for outcome in unacked.values {
            switch outcome {
            case .completed(let c):
                do throws(WireError) {
                    finished.append(try c.decoded())
                } catch {
                    logger.error("a held result does not decode; dropped", metadata: ["job": "\(c.jobAttempt.job.short)", "error": "\(error)"])
                }
            case .failed(let f): failed.append(f)
            }
        }
        let hello = WorkerMessage.Hello(
            worker: configuration.workerID, host: configuration.host, pid: configuration.pid, slots: slotCount,
            softwareVersion: configuration.softwareVersion, running: running, finished: finished, failed: failed)
        welcomed = false
        // Everything unacknowledged travels in the hello; nothing needs sending again after welcome.
        outResults.removeAll()
        outFailures.removeAll()
        helloSentAt = ContinuousClock.now
        let now = ContinuousClock.now
        for attempt in unacked.keys { lastDelivery[attempt] = now }
        try sendToCoordinator(.hello(hello))
    }

    private func drainCoordinator(now: ContinuousClock.Instant) throws(ZMQError) {
        guard let socket = coordinator else { return }
        var handled = 0
        while handled < 1000, let frames = try socket.tryReceive(maxFrames: 2) {
            handled += 1
            lastHeard = now
            let message: CoordinatorMessage
            do throws(WireError) {
                if let jobs = try WireCodec.encodedAssignments(frames) {
                    take(jobs)
                    continue
                }
                message = try WireCodec.decodeCoordinatorMessage(frames)
            } catch {
                logger.warning("dropped message from coordinator", metadata: ["error": "\(error)"])
                continue
            }
            try handle(message, now: now)
        }
    }

    private func handle(_ message: CoordinatorMessage, now: ContinuousClock.Instant) throws(ZMQError) {
        switch message {
        case .welcome(let welcome):
            welcomed = true
            receivedInSession = 0
            lastReadyWants = -1
            readyDue = true
            backoff = configuration.reconnectInitial
            heartbeatInterval = .milliseconds(max(50, welcome.heartbeatIntervalMs))
            liveness = max(1, welcome.heartbeatLiveness)
            let keep = Set(welcome.keep)
            for attempt in running.keys where !keep.contains(attempt) { try abortRunning(attempt) }
            queue.removeAll { !keep.contains($0.jobAttempt) }
            logger.info("welcomed by coordinator", metadata: ["worker": "\(configuration.workerID)", "kept": "\(keep.count)"])
        case .assign(let assign):
            do throws(WireError) {
                take(try assign.jobs.map(EncodedAssignment.init))
            } catch {
                logger.error("could not re-encode assigned jobs", metadata: ["error": "\(error)"])
            }
        case .ack(let ack):
            for attempt in ack.jobs {
                unacked[attempt] = nil
                lastDelivery[attempt] = nil
            }
        case .abort(let abort):
            for attempt in abort.jobs {
                if let index = queue.firstIndex(where: { $0.jobAttempt == attempt }) {
                    queue.remove(at: index)
                    outReleased.append(attempt)
                } else {
                    try abortRunning(attempt)
                }
            }
        case .heartbeat:
            break
        case .reconnect:
            logger.info("coordinator asked for a new hello")
            try sendHello()
        case .shutdown(let shutdown):
            let grace = Duration.milliseconds(Int64(min(max(shutdown.graceSeconds, 0), 86_400) * 1000))
            beginDrain(exit: .coordinatorShutdown, grace: grace, now: now)
        }
    }

    /// Queues assigned jobs (ignoring ones already held); while draining or past `--max-jobs`,
    /// hands them straight back.
    private func take(_ jobs: [EncodedAssignment]) {
        receivedInSession += jobs.count
        readyDue = true
        for job in jobs {
            let attempt = job.jobAttempt
            if running[attempt] != nil || unacked[attempt] != nil || queue.contains(where: { $0.jobAttempt == attempt }) {
                continue
            }
            if drain != nil || reachedMaxJobs {
                outReleased.append(attempt)
            } else {
                queue.append(job)
                jobsTaken += 1
            }
        }
    }

    private func sendToCoordinator(_ message: WorkerMessage) throws(ZMQError) {
        let frames: [[UInt8]]
        do throws(WireError) {
            frames = try WireCodec.encode(message)
        } catch {
            logger.error("could not encode message", metadata: ["error": "\(error)"])
            return
        }
        try sendFramesToCoordinator(frames)
    }

    private func sendFramesToCoordinator(_ frames: [[UInt8]]) throws(ZMQError) {
        guard let socket = coordinator else { return }
        if try socket.trySend(frames) { lastSent = ContinuousClock.now }
    }

    // MARK: - Flow control, timers and shutdown

    private var reachedMaxJobs: Bool {
        guard let maxJobs = configuration.maxJobs else { return false }
        return jobsTaken >= maxJobs
    }

    /// Jobs the worker would take now.
    private var wants: Int {
        guard drain == nil else { return 0 }
        var wants = configuration.capacity(averageJobSeconds: averageJobSeconds) - running.count - queue.count
        if let maxJobs = configuration.maxJobs { wants = min(wants, maxJobs - jobsTaken) }
        return max(0, wants)
    }

    private func flush() throws(ZMQError) {
        guard welcomed else { return }
        let now = ContinuousClock.now
        for batch in outResults.chunked(WireProtocol.maxBatch) {
            for job in batch { lastDelivery[job.jobAttempt] = now }
            try sendFramesToCoordinator(WireCodec.encodeResults(batch))
        }
        for batch in outFailures.chunked(WireProtocol.maxBatch) {
            for job in batch { lastDelivery[job.jobAttempt] = now }
            try sendToCoordinator(.failures(.init(Array(batch))))
        }
        for batch in outReleased.chunked(WireProtocol.maxBatch) { try sendToCoordinator(.released(.init(Array(batch)))) }
        outResults.removeAll(keepingCapacity: true)
        outFailures.removeAll(keepingCapacity: true)
        outReleased.removeAll(keepingCapacity: true)
        let wants = self.wants
        if readyDue || wants != lastReadyWants {
            try sendToCoordinator(.ready(.init(wants: wants, received: receivedInSession)))
            lastReadyWants = wants
            readyDue = false
        }
    }

    private func timers(now: ContinuousClock.Instant) throws(ZMQError) {
        let deadAfter = heartbeatInterval * liveness
        if let reconnectAt, now >= reconnectAt {
            logger.info("reconnecting", metadata: ["endpoint": "\(configuration.endpoint)"])
            try connect()
        } else if coordinator != nil, now - lastHeard > deadAfter, now - helloSentAt > deadAfter {
            logger.warning("coordinator silent; reconnecting after backoff", metadata: ["backoff": "\(backoff)"])
            coordinator?.close()
            coordinator = nil
            welcomed = false
            reconnectAt = now + backoff
            backoff = min(backoff * 2, configuration.reconnectMax)
        }
        if welcomed {
            if now - lastSent >= heartbeatInterval { try sendToCoordinator(.heartbeat) }
            // Results not acknowledged within a few intervals are sent again (the coordinator
            // records each attempt's result once and acknowledges duplicates).
            let stale = unacked.filter { now - (lastDelivery[$0.key] ?? now) > heartbeatInterval * 5 }
            for (_, outcome) in stale {
                switch outcome {
                case .completed(let c): outResults.append(c)
                case .failed(let f): outFailures.append(f)
                }
            }
        }
        if drain == nil, let idleExit = configuration.idleExit, running.isEmpty, queue.isEmpty, unacked.isEmpty,
           now - lastBusy >= idleExit {
            logger.info("idle; exiting", metadata: ["idle": "\(idleExit)"])
            beginDrain(exit: .idle, grace: .zero, now: now)
        }
        if drain == nil, reachedMaxJobs, running.isEmpty, queue.isEmpty, unacked.isEmpty {
            beginDrain(exit: .maxJobs, grace: .zero, now: now)
        }
        try progressDrain(now: now)
    }

    private func beginDrain(exit: WorkerExit, grace: Duration, now: ContinuousClock.Instant) {
        guard drain == nil else { return }
        logger.info("draining", metadata: ["reason": "\(exit)", "running": "\(running.count)", "queued": "\(queue.count)"])
        drain = Drain(exit: exit, deadline: now + grace)
        outReleased += queue.map(\.jobAttempt)
        queue.removeAll()
        readyDue = true
    }

    private func progressDrain(now: ContinuousClock.Instant) throws(ZMQError) {
        guard var drain else { return }
        if !running.isEmpty {
            if now >= drain.deadline, !drain.abortsSent {
                for attempt in running.keys { try abortRunning(attempt) }
                drain.abortsSent = true
                self.drain = drain
            }
            return
        }
        // Nothing runs: wait briefly for acknowledgements, then leave.
        let ackWait = drain.deadline + .seconds(2)
        guard unacked.isEmpty || now >= ackWait || !welcomed else {
            return
        }
        try flush()
        try sendToCoordinator(.goodbye(.init(reason: "\(drain.exit)")))
        for slot in idleSlots {
            if let stop = try? SlotCommand.stop.encode() { _ = try? slotSocket.trySend([slot, stop]) }
        }
        logger.info("worker exiting", metadata: ["reason": "\(drain.exit)", "unacknowledged": "\(unacked.count)"])
        exit = drain.exit
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
