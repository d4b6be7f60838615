import SweepModel
import SweepWire

/// A worker's side of the protocol as a value-type state machine: events in (coordinator
/// messages, slot outcomes, a stop request, loop ticks), actions out (connect, send, run or abort
/// on a slot, log, exit), time injected, so registration, flow control, delivery, backoff and
/// draining are testable without sockets, threads or a clock.
///
/// Like the coordinator's `Scheduler`, it does no I/O and reads no clock: `handle(_:at:)` takes
/// the event and the current `WorkerInstant` and returns the actions for `WorkerLoop` to perform
/// in order. Slots are numbers `0..<slotCount`; the loop maps them to slot threads. The rules are
/// the protocol's (docs/PROTOCOL.md, "Behaviour"): hello on every connection and on `reconnect`,
/// everything unacknowledged in it; heartbeats when nothing else was sent for an interval; a
/// silent coordinator dropped after `liveness` intervals and reconnected with exponential backoff;
/// credit `ready{wants, received}`; results kept and re-sent until acknowledged; a drain that
/// hands back queued jobs, lets running ones finish within the grace period, then says goodbye.
struct WorkerSession: Sendable {
    /// A finished attempt's report, kept until the coordinator acknowledges it.
    enum Outcome: Sendable, Equatable {
        case completed(EncodedResult)
        case failed(FailedJob)
    }

    /// The worker is leaving: no new jobs; running ones may finish until `deadline`.
    struct Drain: Sendable {
        let exit: WorkerExit
        let deadline: WorkerInstant
        var abortsSent = false
    }

    let configuration: WorkerConfiguration
    /// Slot threads the worker runs (at least 1).
    let slotCount: Int
    /// The latest instant any event carried (time never runs backwards here).
    private(set) var now: WorkerInstant

    // MARK: Slots and jobs

    var idleSlots: [Int] = []
    /// Attempts handed to each slot and not yet ended (several while jobs are tiny).
    var slotLoad: [Int]
    /// Since when each busy slot works on its current attempt (its hand-off or its previous end).
    var slotBusySince: [WorkerInstant?]
    /// Attempts running, and the slot each runs on.
    var running: [JobAttempt: Int] = [:]
    /// When each running job went to its slot, and the jobs' average duration (a moving average
    /// over the last ~16 jobs; `nil` before the first), which sets the default prefetch.
    var startedAt: [JobAttempt: WorkerInstant] = [:]
    var averageJobSeconds: Double?
    /// Jobs received and not yet handed to a slot, still in their wire encoding.
    var queue: [EncodedAssignment] = []
    /// Jobs accepted since start (for `--max-jobs`).
    var jobsTaken = 0

    // MARK: Delivery: outcomes kept until acknowledged, and when each was last sent

    var unacked: [JobAttempt: Outcome] = [:]
    var lastDelivery: [JobAttempt: WorkerInstant] = [:]
    var outResults: [EncodedResult] = []
    /// Since when the oldest of `outResults` waits (`resultLinger`); `nil` while none waits.
    var resultsWaitingSince: WorkerInstant?
    var outFailures: [FailedJob] = []
    var outReleased: [JobAttempt] = []

    // MARK: Session with the coordinator

    /// Whether a coordinator socket is open (between `connect` and `disconnect`).
    var connected = false
    var welcomed = false
    /// Jobs received in `assign`s since the last `welcome`: the `received` of `ready`.
    var receivedInSession = 0
    var lastReadyWants = -1
    var readyDue = false
    var lastHeard: WorkerInstant
    var lastSent: WorkerInstant
    var helloSentAt: WorkerInstant
    var reconnectAt: WorkerInstant?
    var backoff: Duration
    var heartbeatInterval: Duration
    var liveness: Int

    // MARK: Lifecycle

    var lastBusy: WorkerInstant
    /// Whether a coordinator ever welcomed this worker (`--idle-exit` counts only from then on).
    var everWelcomed = false
    /// CURVE refusals since the last welcome.
    var refusals = 0
    var drain: Drain?
    /// Set once the worker is done; every later event is ignored.
    var exit: WorkerExit?

    init(configuration: WorkerConfiguration, now: WorkerInstant = .zero) {
        self.configuration = configuration
        self.now = now
        slotCount = max(1, configuration.slots)
        slotLoad = Array(repeating: 0, count: slotCount)
        slotBusySince = Array(repeating: nil, count: slotCount)
        backoff = configuration.reconnectInitial
        heartbeatInterval = configuration.heartbeatInterval
        liveness = max(1, configuration.heartbeatLiveness)
        lastHeard = now
        lastSent = now
        helloSentAt = now
        lastBusy = now
    }

    /// Applies one event at `now` and returns what the loop must do, in order.
    mutating func handle(_ event: WorkerSessionEvent, at now: WorkerInstant) -> [WorkerSessionAction] {
        guard exit == nil else { return [] }
        if now > self.now { self.now = now }
        var out: [WorkerSessionAction] = []
        switch event {
        case .start:
            connect(into: &out)
            out.append(.log(.starting(worker: configuration.workerID, endpoint: configuration.endpoint, slots: slotCount)))
        case .received(let message):
            lastHeard = self.now
            receive(message, into: &out)
        case .assigned(let jobs):
            lastHeard = self.now
            take(jobs)
        case .unreadable(let error):
            lastHeard = self.now
            out.append(.log(.droppedMessage(error)))
        case .slotStarted(let slot):
            idleSlots.append(slot)
        case .slotProgress(let progress):
            send(.progress(progress), into: &out)
        case .slotFinished(let slot, let result):
            finish(result.jobAttempt, slot: slot)
            unacked[result.jobAttempt] = .completed(result)
            queueResult(result)
        case .slotFailed(let slot, let failed):
            finish(failed.jobAttempt, slot: slot)
            unacked[failed.jobAttempt] = .failed(failed)
            outFailures.append(failed)
            out.append(.log(.jobFailed(failed)))
        case .slotAbandoned(let slot, let attempt):
            finish(attempt, slot: slot)
            outReleased.append(attempt)
        case .handshakeRefused(let reason):
            refused(reason, into: &out)
        case .stopRequested:
            beginDrain(exit: .stopped, grace: configuration.gracePeriod, into: &out)
        case .tick:
            dispatchJobs(into: &out)
            timers(into: &out)
            if exit == nil { flush(into: &out) }
        }
        return out
    }

    // MARK: Queries

    /// Why the worker is draining, if it is (what `run()` returns if the context ends first).
    var draining: WorkerExit? { drain?.exit }

    /// Whether `attempt` is running, queued, or finished and unacknowledged here.
    func holds(_ attempt: JobAttempt) -> Bool {
        running[attempt] != nil || unacked[attempt] != nil || queue.contains { $0.jobAttempt == attempt }
    }

    var reachedMaxJobs: Bool {
        guard let maxJobs = configuration.maxJobs else { return false }
        return jobsTaken >= maxJobs
    }

    /// Jobs the worker would take now (the `wants` of `ready`).
    var wants: Int {
        guard drain == nil else { return 0 }
        var wants = configuration.capacity(averageJobSeconds: averageJobSeconds) - running.count - queue.count
        if let maxJobs = configuration.maxJobs { wants = min(wants, maxJobs - jobsTaken) }
        return max(0, wants)
    }

    /// When the loop must tick at the latest, for results waiting to be sent (`nil`: no hurry).
    var resultsDueAt: WorkerInstant? {
        guard holdsResults, let since = resultsWaitingSince else { return nil }
        return since + configuration.resultLinger
    }

    /// Whether the results gathered so far wait a little longer for others (`resultLinger`):
    /// only while other jobs still run, so a result never waits for nothing.
    var holdsResults: Bool {
        guard !outResults.isEmpty, outResults.count < WireProtocol.maxBatch, drain == nil,
            !running.isEmpty || !queue.isEmpty, let since = resultsWaitingSince
        else { return false }
        return now - since < configuration.resultLinger
    }

    // MARK: Sending

    /// Adds a result to the next `worker.results`.
    mutating func queueResult(_ result: EncodedResult) {
        if outResults.isEmpty { resultsWaitingSince = now }
        outResults.append(result)
    }

    /// Sends `message` if a coordinator socket is open (otherwise it is dropped, as a socket
    /// would: everything that matters is sent again in the next hello).
    mutating func send(_ message: WorkerMessage, into out: inout [WorkerSessionAction]) {
        guard connected else { return }
        out.append(.send(message))
        lastSent = now
    }
}
