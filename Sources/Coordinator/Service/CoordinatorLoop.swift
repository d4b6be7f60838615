import Foundation
import Logging
import SweepModel
import SweepStore
import SweepWire

/// The coordinator's event loop: the one thread that owns the ROUTER socket, feeds the
/// `Scheduler` its events and performs its actions (see `CoordinatorService`).
///
/// One iteration: wait (`zmq_poll`) until a message arrives or the next housekeeping tick is
/// due; take at most `maxMessagesPerIteration` messages without blocking and turn each into a
/// scheduler event; tick; commit every persistence action of the iteration in ONE
/// `ResultStore.apply` (group commit); only then send the messages and replies. A failed commit
/// sends nothing and ends `run()` with the error: the scheduler's memory is ahead of the store,
/// and a restart on the same file resumes from what was committed.
final class CoordinatorLoop {
    /// What `requestStop` asked for.
    struct StopRequest: Sendable {
        var shutdownWorkers: Bool
    }

    enum Phase {
        case serving
        /// Workers were told to shut down; `run()` returns when they left or at `deadline`.
        case drainingWorkers(waitingFor: Set<WorkerID>, deadline: MonotonicInstant)
    }

    let configuration: CoordinatorConfiguration
    let logger: Logger
    let store: ResultStore
    var scheduler: Scheduler
    var directory: SweepDirectory
    var peers = PeerTable()
    var outbox = Outbox()
    var batch = PersistenceBatch()
    /// Writes `assign`s without re-encoding the parameters each job shares with the last ones.
    var assignments = AssignmentEncoder()
    var phase = Phase.serving
    /// Submitted and dry-run plans being hashed into their sweep ids, oldest first.
    var hashing: [PlanHashing] = []
    /// Expanders of the sweeps being planned, kept between slices (their template caches).
    var plans: [SweepID: SweepPlan] = [:]
    /// Sweeps being deleted a slice at a time, oldest first.
    var deletions: [SweepDeletion] = []
    /// Sweeps whose retry re-queues their jobs a slice at a time, oldest first.
    var retries: [SweepID] = []

    let router: WireChannel
    let control: WireChannel
    /// CURVE role checks per message; `nil` for plain TCP (every peer may do everything).
    let security: CoordinatorSecurity?
    let endpoint: String
    private let poller = ChannelPoller()
    private let routerIndex: Int
    private let controlIndex: Int
    private let clockStart: ContinuousClock.Instant
    /// Loop stalls excluded from the scheduler's clock.
    private var stalled: Duration = .zero
    private let stopRequest: @Sendable () -> StopRequest?

    /// The time of the current iteration, on the scheduler's clock and on the wall clock.
    var now = MonotonicInstant.zero
    var date = Date()
    private var lastPurge = MonotonicInstant.zero

    // Rate-limited log lines for what peers may send in floods.
    var malformedLog = LogThrottle()
    var rejectedLog = LogThrottle()
    var sendFailureLog = LogThrottle()
    var storeIgnoredLog = LogThrottle()

    init(
        configuration: CoordinatorConfiguration, logger: Logger, store: ResultStore, scheduler: Scheduler,
        directory: SweepDirectory, transport: WireTransport, security: CoordinatorSecurity?, controlEndpoint: String,
        clockStart: ContinuousClock.Instant,
        stopRequest: @escaping @Sendable () -> StopRequest?
    ) throws(CoordinatorError) {
        self.configuration = configuration
        self.logger = logger
        self.store = store
        self.scheduler = scheduler
        self.directory = directory
        self.clockStart = clockStart
        self.stopRequest = stopRequest
        self.security = security
        do {
            control = try transport.wakeUpReceiver(bind: controlEndpoint)
        } catch {
            throw .transport(operation: "binding the control socket \(controlEndpoint)", error)
        }
        let bound: (channel: WireChannel, endpoint: String)
        do throws(CoordinatorError) {
            bound = try CoordinatorSocket.bind(configuration.bind, transport: transport, security: security)
        } catch {
            control.close()
            throw error
        }
        router = bound.channel
        endpoint = bound.endpoint
        do {
            routerIndex = try poller.register(router)
            controlIndex = try poller.register(control)
        } catch {
            router.close()
            control.close()
            throw .transport(operation: "registering sockets with the poller", error)
        }
    }

    func close() {
        router.close()
        control.close()
    }

    // MARK: - The loop

    /// Serves until a stop is requested (and, when asked, the workers left). Throws when a commit
    /// fails or the socket breaks.
    func run() throws(CoordinatorError) {
        logger.info("coordinator listening", metadata: [
            "endpoint": "\(endpoint)", "state": "\(store.path)", "sweeps": "\(directory.records.count)",
            "pending": "\(scheduler.pendingJobs)",
        ])
        var moreWaiting = false
        while true {
            let ready: ChannelPoller.Ready
            do {
                ready = try poller.poll(timeoutMilliseconds: moreWaiting ? 0 : pollTimeoutMilliseconds())
            } catch {
                if error.isShutdown { return }
                throw .transport(operation: "polling the sockets", error)
            }
            if ready.isReadable(controlIndex) { drainControl() }
            let busySince = ContinuousClock.now
            now = instant()
            date = Date()
            if case .serving = phase, let stop = stopRequest() {
                guard stop.shutdownWorkers, beginShutdown() else {
                    logger.info("coordinator stopping")
                    return
                }
            }
            moreWaiting = try receiveBatch()
            moreWaiting = try advanceBackgroundWork() || moreWaiting
            perform(scheduler.tick(now))
            for retired in scheduler.takeRetiredCounts() {
                directory.addCountsOutsideScheduler(retired.sweep, retired.counts)
            }
            purgePeers()
            try commitAndSend()
            discountStall(busyFor: ContinuousClock.now - busySince)
            if shutdownComplete() { return }
        }
    }

    /// Hashes submitted plans and creates the jobs the scheduler wants next, each within a share
    /// of the iteration (`backgroundBudget`), so neither a million-job submission nor its
    /// dispatch stalls the loop. Returns whether work is left (the next poll does not wait).
    private func advanceBackgroundWork() throws(CoordinatorError) -> Bool {
        let budget = configuration.backgroundBudget
        let start = ContinuousClock.now
        var left = hashing.isEmpty ? false : advancePlanHashing(budget: budget)
        // Deletions and retries share half the budget; planning (dispatch) keeps the rest.
        if !deletions.isEmpty { left = advanceDeletions(budget: budget / 2) || left }
        if !retries.isEmpty { left = advanceRetries(until: start + budget / 2) || left }
        while ContinuousClock.now - start < budget {
            guard try advancePlanning(limit: configuration.planningSlice) else { return left }
        }
        left = left || scheduler.planningWanted(limit: 1) != nil
        return left
    }

    /// The scheduler's clock: time since the service started, less the time the loop itself was
    /// stalled (see `discountStall`).
    func instant() -> MonotonicInstant { MonotonicInstant(sinceStart: ContinuousClock.now - clockStart - stalled) }

    /// Keeps a stall of the loop itself (a 100,000-job submit, a slow disk) from counting against
    /// the workers: while the loop is busy it hears nobody, so without this every worker whose
    /// heartbeats queued up behind the stall would be declared dead and its jobs run again. Time
    /// beyond `stallAllowance` in one iteration does not advance the scheduler's clock; leases,
    /// liveness and job timeouts resume where they were.
    private func discountStall(busyFor busy: Duration) {
        let allowance = configuration.scheduler.heartbeatInterval / 2
        if busy > allowance {
            stalled += busy - allowance
            logger.notice("\(CoordinatorService.busyLoopNotice); leases and liveness were paused meanwhile", metadata: [
                "seconds": "\(busy.seconds)",
            ])
        }
    }

    /// Milliseconds until the next housekeeping pass is due (at least 1, at most one period).
    private func pollTimeoutMilliseconds() -> Int {
        let period = configuration.scheduler.housekeepingPeriod
        let elapsed = instant().duration(since: now)
        let remaining = period - elapsed
        let milliseconds = remaining.milliseconds
        return Int(min(max(milliseconds, 1), max(1, period.milliseconds)))
    }

    private func drainControl() {
        while (try? control.tryReceive(maxFrames: 1)) != nil {}
    }

    /// Receives and handles up to `maxMessagesPerIteration` messages; `true` if the limit was
    /// reached (more may be waiting).
    private func receiveBatch() throws(CoordinatorError) -> Bool {
        let limit = max(1, configuration.maxMessagesPerIteration)
        var handled = 0
        while handled < limit {
            let frames: [[UInt8]]?
            var role: PeerRole?
            do {
                if security != nil {
                    let received = try router.tryReceiveWithRole(maxFrames: 3)
                    frames = received?.frames
                    role = received?.role
                } else {
                    frames = try router.tryReceive(maxFrames: 3)
                }
            } catch {
                if error.isOversizedMessage {
                    handled += 1
                    noteMalformed(.malformed(reason: "more than 3 frames"), route: nil)
                    continue
                }
                if error.isShutdown { return false }
                throw .transport(operation: "receiving from the ROUTER socket", error)
            }
            guard let frames else { return false }
            handled += 1
            handle(frames, role: role)
        }
        return true
    }

    /// Decodes one message (routing id first) and hands it to the worker or client handler.
    private func handle(_ frames: [[UInt8]], role: PeerRole?) {
        guard let route = frames.first, !route.isEmpty else { return }
        let body = frames.dropFirst()
        let inbound: CoordinatorInbound
        do {
            inbound = try WireCodec.decodeInbound(body)
        } catch {
            noteMalformed(error, route: route)
            if let requestID = Self.clientRequestID(in: body) {
                outbox.reply(.error(.init(code: .badRequest, message: error.description)), to: route, requestID: requestID)
            }
            return
        }
        switch inbound {
        case .worker(let message):
            // An unauthorized sender of worker messages gets no answer at all: it learns nothing.
            if let security, !security.allowsWorkerMessages(role: role) {
                noteRefused(kind: message.kind, role: role, route: route)
                return
            }
            handleWorker(message, route: route)
        case .client(let requestID, let request):
            if let security, !security.allows(request, role: role) {
                noteRefused(kind: request.kind, role: role, route: route)
                outbox.reply(
                    .error(.init(code: .forbidden, message: security.refusal(for: request, role: role))),
                    to: route, requestID: requestID)
                return
            }
            handleClient(request, requestID: requestID, route: route)
        }
    }

    /// The request id of an undecodable message that names a client request, so the client gets
    /// a `bad_request` reply instead of waiting for its timeout.
    static func clientRequestID(in frames: ArraySlice<[UInt8]>) -> UInt64? {
        guard frames.count == 2, let payload = frames.last, let length = payload.first.map(Int.init),
            payload.count >= 1 + length + 8
        else { return nil }
        guard length >= 7, payload[1...length].starts(with: "client.".utf8) else { return nil }
        var id: UInt64 = 0
        for index in 0..<8 { id |= UInt64(payload[1 + length + index]) << UInt64(8 * index) }
        return id
    }

    func noteMalformed(_ error: WireError, route: [UInt8]?) {
        let (log, suppressed) = malformedLog.allow(at: now)
        if suppressed > 0 {
            logger.warning("dropped more malformed messages", metadata: ["count": "\(suppressed)"])
        }
        guard log else { return }
        var metadata: Logger.Metadata = ["error": "\(error)"]
        if let route { metadata["peer"] = "\(Self.printable(route))" }
        logger.warning("dropped a malformed message", metadata: metadata)
    }

    /// A routing id for a log line: printable ASCII as is, other bytes as `\xNN`.
    static func printable(_ route: [UInt8]) -> String {
        route.prefix(64).map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }
            .joined()
    }

    private func purgePeers() {
        guard now >= lastPurge + .seconds(1) else { return }
        lastPurge = now
        let scheduler = self.scheduler
        peers.purge(
            at: now, interval: configuration.scheduler.heartbeatInterval,
            forgetAfter: configuration.scheduler.livenessTimeout * 4, isLive: { scheduler.isLive($0) })
    }

    // MARK: - Commit, then send

    /// Commits the iteration's persistence actions in one transaction, then sends everything
    /// queued. On a failed commit nothing is sent.
    func commitAndSend() throws(CoordinatorError) {
        if !batch.changes.isEmpty {
            do {
                let report = try store.apply(batch.changes, at: date)
                note(report)
            } catch {
                logger.critical("commit to the state file failed; stopping without sending anything", metadata: [
                    "error": "\(error)", "changes": "\(batch.changes.count)",
                ])
                throw .commitFailed(error)
            }
        }
        for (worker, count) in batch.resultsByWorker { peers.countCompleted(count, by: worker) }
        batch.committed(into: &directory, at: date)
        batch = PersistenceBatch()
        send()
    }

    private func note(_ report: ApplyReport) {
        guard !report.ignored.isEmpty || !report.duplicateResults.isEmpty else { return }
        let (log, _) = storeIgnoredLog.allow(at: now)
        guard log else { return }
        logger.warning("the store skipped changes", metadata: [
            "ignored": "\(report.ignored.count)", "duplicateResults": "\(report.duplicateResults.count)",
            "first": "\(report.ignored.first.map { "\($0)" } ?? "")",
        ])
    }

    private func send() {
        let (workers, replies, reconnects) = outbox.takeAll()
        for (worker, messages) in workers {
            guard let route = peers.route(of: worker) else { continue }
            for message in messages {
                do {
                    let frames = if case .assign(let body) = message {
                        try assignments.frames(body)
                    } else {
                        try WireCodec.encode(message)
                    }
                    sendFrames([route] + frames, to: route)
                } catch {
                    logger.error("could not encode a message", metadata: ["worker": "\(worker)", "error": "\(error)"])
                }
            }
        }
        for (route, requestID, reply) in replies {
            do {
                try sendFrames([route] + WireCodec.encode(reply, requestID: requestID), to: route)
            } catch {
                logger.error("could not encode a reply", metadata: ["error": "\(error)"])
            }
        }
        if !reconnects.isEmpty, let frames = try? WireCodec.encode(CoordinatorMessage.reconnect) {
            for route in reconnects { sendFrames([route] + frames, to: route) }
        }
    }

    /// Sends without blocking; a vanished peer (`EHOSTUNREACH`) or a full queue loses the message,
    /// which the protocol survives (workers resend unacknowledged results, leases expire).
    private func sendFrames(_ frames: [[UInt8]], to route: [UInt8]) {
        do {
            if try !router.trySend(frames) {
                noteSendFailure("the peer's queue is full; message dropped", route: route)
            }
        } catch {
            if error.isUnreachablePeer {
                logger.debug("peer gone; message dropped", metadata: ["peer": "\(Self.printable(route))"])
            } else {
                noteSendFailure("send failed: \(error)", route: route)
            }
        }
    }

    private func noteSendFailure(_ text: String, route: [UInt8]) {
        let (log, suppressed) = sendFailureLog.allow(at: now)
        if suppressed > 0 { logger.warning("more sends failed", metadata: ["count": "\(suppressed)"]) }
        if log { logger.warning("\(text)", metadata: ["peer": "\(Self.printable(route))"]) }
    }

    // MARK: - Stopping

    /// Tells every live worker to shut down; `false` if there is none to wait for.
    private func beginShutdown() -> Bool {
        let live = Set(peers.sessions.keys.filter { scheduler.isLive($0) })
        guard !live.isEmpty else { return false }
        logger.info("coordinator stopping; telling workers to shut down", metadata: ["workers": "\(live.count)"])
        for worker in live { outbox.send(shutdownMessage, to: worker) }
        phase = .drainingWorkers(
            waitingFor: live, deadline: now + configuration.shutdownGrace + configuration.shutdownLinger)
        return true
    }

    var shutdownMessage: CoordinatorMessage {
        .shutdown(.init(reason: "coordinator stopping", graceSeconds: configuration.shutdownGrace.seconds))
    }

    /// While draining: whether every worker told to shut down has left (or the wait is over).
    private func shutdownComplete() -> Bool {
        guard case .drainingWorkers(let waiting, let deadline) = phase else { return false }
        let remaining = waiting.filter { scheduler.isLive($0) }
        if remaining.isEmpty {
            logger.info("every worker left; coordinator stopping")
            return true
        }
        if now >= deadline {
            logger.warning("workers did not leave in time; coordinator stopping", metadata: ["workers": "\(remaining.count)"])
            return true
        }
        phase = .drainingWorkers(waitingFor: remaining, deadline: deadline)
        return false
    }
}

extension CoordinatorLoop {
    /// Logs (rate-limited) a message refused for its connection's CURVE role.
    func noteRefused(kind: String, role: PeerRole?, route: [UInt8]) {
        guard rejectedLog.allow(at: now).log else { return }
        logger.warning("refused a message for its key's role", metadata: [
            "kind": "\(kind)", "role": "\(role.map { "\($0)" } ?? "none")", "peer": "\(route.prefix(16).map { String(format: "%02x", $0) }.joined())",
        ])
    }
}
