import SchedulerSimulationSupport
import SweepModel
import SweepStore
@testable import Coordinator

/// A seeded, randomized world around one `Scheduler`: simulated workers that arrive, work, fail,
/// die without goodbye, stall and resume, lose their link; a network that reorders and duplicates;
/// coordinator crashes before or after a commit, restarted from a store holding only what was
/// persisted. Every step checks the invariants; `problems` collects what broke.
struct SchedulerSimulation {
    enum ToCoordinator {
        case hello(slots: Int, running: [JobAttempt], finished: [WorkerReport])
        case heartbeat
        case reports([WorkerReport])
        case progress(JobID, attempt: Int)
        case credit(Int)
        case goodbye
    }

    enum ToWorker {
        case assign([JobAssignment])
        case ack([JobID])
        case abort([JobID])
        case heartbeat
        case reconnect
    }

    enum WorkerState { case alive, stalled, partitioned, gone }

    struct SimWorker {
        let id: WorkerID
        var slots: Int
        var state = WorkerState.alive
        var held: [JobAttempt] = []
        var unacked: [WorkerReport] = []
        var inbox: [ToWorker] = []
        var lastHeard: MonotonicInstant
        var lastSent: MonotonicInstant
    }

    let seed: UInt64
    var rng: SimulationRandom
    let configuration: SchedulerConfiguration
    /// Whether this run's scheduler forgets final jobs early (`retireFinalJobsAfter`).
    var retiring: Bool { configuration.retireFinalJobsAfter < 100 }
    var scheduler: Scheduler
    var store = SimulatedStore()
    var now = MonotonicInstant.zero
    var workers: [SimWorker] = []
    var inFlight: [(from: WorkerID, message: ToCoordinator)] = []
    var unsubmitted: [StoredSweep]
    var alwaysFailing: Set<JobID> = []
    var problems: [String] = []
    var trace: [String] = []
    var restarts = 0
    var nextWorker = 0

    init(seed: UInt64) {
        self.seed = seed
        var rng = SimulationRandom(seed: seed)
        var configuration = SchedulerConfiguration()
        // Half the seeds forget final jobs almost at once, the way a long sweep does.
        if seed % 2 == 1 { configuration.retireFinalJobsAfter = 1 + Int(seed % 5) }
        self.configuration = configuration
        scheduler = Scheduler(configuration: configuration)
        // Three sweeps; the second shares five jobs with the first.
        let plans: [(String, Range<Int>)] = [("a", 0..<14), ("b", 9..<22), ("c", 22..<30)]
        unsubmitted = plans.map { name, range in
            let timeout: Double = rng.chance(0.5) ? Double(Int.random(in: 2...6, using: &rng)) : 0
            return Fixture.sweep(name, jobs: Array(range), maxAttempts: Int.random(in: 1...4, using: &rng), timeout: timeout)
        }
        for n in 0..<30 where rng.chance(0.08) { alwaysFailing.insert(Fixture.job(n)) }
        self.rng = rng
    }

    // MARK: Driving

    /// Runs `chaosSteps` random steps, then lets the workers finish everything and checks that
    /// every job ended final, exactly once.
    mutating func run(chaosSteps: Int) {
        submitNext()
        addWorker()
        for _ in 0..<chaosSteps where problems.isEmpty { randomStep(chaos: true) }
        settle()
    }

    mutating func randomStep(chaos: Bool) {
        if !store.retries.isEmpty && rng.chance(0.3) { advanceARetry() }
        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<28: for _ in 0..<(rng.chance(0.7) ? inFlight.count : 1) { deliverToCoordinator() }
        case 28..<52: for _ in 0..<(rng.chance(0.7) ? 4 * workers.count : 1) { deliverToWorker() }
        case 52..<72: finishAJob()
        case 72..<84: advanceTime(by: .milliseconds(Int.random(in: 20...600, using: &rng)))
        case 84..<88: reportProgress()
        default: if chaos { chaosStep() } else { advanceTime(by: .milliseconds(300)) }
        }
    }

    mutating func chaosStep() {
        switch Int.random(in: 0..<13, using: &rng) {
        case 0: if workers.filter({ $0.state == .alive }).count < 4 { addWorker() }
        case 1: setState(.gone, "killed")
        case 2: setState(.stalled, "stopped (SIGSTOP)")
        case 3: resume(.stalled, "continued (SIGCONT)")
        case 4: setState(.partitioned, "partitioned")
        case 5: resume(.partitioned, "healed")
        case 6: if rng.chance(0.4) { restart("restart") }
        case 7: submitNext()
        case 8: if rng.chance(0.15), let sweep = store.sweeps.randomElement(using: &rng) {
            note("cancel \(sweep.id)")
            store.endRetry(sweep.id)  // as the loop's `stopRetry`
            perform("cancel") { $0.cancel(sweep.id, at: $1) }
        }
        case 9: if rng.chance(0.5) { duplicateAMessage() } else { retryASweep() }
        case 10: goodbye()
        case 11: if let i = aliveWorkerIndex() { send(from: i, .credit(Int.random(in: 0...4, using: &rng))) }
        default:  // now and then, a long silence of the whole system (everybody's heartbeats missed)
            advanceTime(by: rng.chance(0.2) ? .seconds(Int.random(in: 2...5, using: &rng)) : .milliseconds(100))
        }
    }

    /// Chaos over: every worker comes back, sweeps not yet submitted are, and the workers run
    /// until every job is final.
    mutating func settle() {
        note("settle")
        while !unsubmitted.isEmpty { submitNext() }
        for i in workers.indices where workers[i].state == .stalled || workers[i].state == .partitioned {
            workers[i].state = .alive
        }
        while workers.filter({ $0.state == .alive }).count < 2 { addWorker() }
        // A healthy network from here on: every message is delivered within the round, so no
        // worker is declared dead by accident and a lease stuck on a live worker shows up.
        var rounds = 0
        while problems.isEmpty && (!allFinal() || !store.retries.isEmpty) && rounds < 1000 {
            rounds += 1
            advanceARetry()
            while !inFlight.isEmpty { deliverToCoordinator() }
            while workers.contains(where: { $0.state == .alive && !$0.inbox.isEmpty }) { deliverToWorker() }
            for _ in 0..<workers.count { if rng.chance(0.5) { finishAJob() } }
            if rng.chance(0.3) { reportProgress() }
            while !inFlight.isEmpty { deliverToCoordinator() }
            advanceTime(by: .milliseconds(200))
        }
        guard problems.isEmpty else { return }
        if !allFinal() {
            let open = store.jobs.filter { !$0.value.status.isFinal && store.isLive($0.key) }.keys.sorted()
            problems.append("jobs never finished: \(open.map(\.rawValue)) statuses \(open.map { scheduler.status(of: $0)?.rawValue ?? "?" })")
        }
        for sweep in store.sweeps where sweep.finishedAt == nil {
            problems.append("sweep \(sweep.id) never marked finished")
        }
        for (id, job) in store.jobs {
            if job.status.isCompleted != (job.resultsRecorded == 1) { problems.append("job \(id) \(job.status) with \(job.resultsRecorded) results") }
            // A final job may have been retired (forgotten) by the scheduler; an open one never.
            if let status = scheduler.status(of: id) {
                if status != job.status { problems.append("job \(id): scheduler \(status) store \(job.status)") }
            } else if !job.status.isFinal || !retiring {
                problems.append("job \(id): scheduler nil store \(job.status)")
            }
        }
    }

    func allFinal() -> Bool {
        store.jobs.allSatisfy { $0.value.status.isFinal || !store.isLive($0.key) }
    }

    // MARK: The coordinator side

    /// Runs one scheduler event like the event loop: maybe crash before the commit, commit the
    /// persistence, check acks against the store, maybe crash before sending, then send.
    mutating func perform(
        _ name: String, reportedBy reporter: WorkerID? = nil, _ event: (inout Scheduler, MonotonicInstant) -> [SchedulerAction]
    ) {
        let actions = event(&scheduler, now)
        if !actions.persistenceFirst { problems.append("\(name): a message precedes a persistence action") }
        if rng.chance(0.004) { return restart("crash before commit of \(name)") }
        commit(actions, reportedBy: reporter)
        if rng.chance(0.004) { return restart("crash after commit of \(name), messages lost") }
        route(actions)
        let broken = scheduler.invariantViolations() + store.violations
        if !broken.isEmpty { problems.append("after \(name): \(broken)") }
    }

    mutating func commit(_ actions: [SchedulerAction], reportedBy reporter: WorkerID?) {
        for action in actions { count(action) }
        store.commit(actions, reportedBy: reporter)
        for action in actions {
            guard case .sendAck(let worker, let ids) = action else { continue }
            for id in ids {
                let logged = actions.contains { log in
                    switch log {
                    case .logDuplicate(worker, id, _), .logRejected(worker, id, _, _): true
                    default: false
                    }
                }
                let job = store.jobs[id]
                let failedHere = job?.attempts.contains { $0.worker == worker && $0.outcome == .error } ?? false
                if !logged && job?.resultsRecorded != 1 && !failedHere {
                    problems.append("ack of \(id) to \(worker) with nothing persisted")
                }
            }
        }
    }

    mutating func route(_ actions: [SchedulerAction]) {
        for action in actions {
            let (worker, message): (WorkerID, ToWorker)
            switch action {
            case .sendAssign(let w, let assignments): (worker, message) = (w, .assign(assignments))
            case .sendAck(let w, let ids): (worker, message) = (w, .ack(ids))
            case .sendAbort(let w, let ids): (worker, message) = (w, .abort(ids))
            case .sendHeartbeat(let w): (worker, message) = (w, .heartbeat)
            case .sendReconnect(let w): (worker, message) = (w, .reconnect)
            default: continue
            }
            guard let i = workers.firstIndex(where: { $0.id == worker }) else { continue }
            if workers[i].state == .alive || workers[i].state == .stalled { workers[i].inbox.append(message) }
        }
    }

    mutating func restart(_ why: String) {
        note(why)
        restarts += 1
        let (restored, actions) = Scheduler.restored(from: store.snapshot(), configuration: configuration, now: now)
        scheduler = restored
        commit(actions, reportedBy: nil)
        // Messages still in the dead process's buffers are lost.
        inFlight = inFlight.filter { _ in rng.chance(0.5) }
    }

    /// A client's `retry` of a random sweep's failed (and sometimes cancelled) jobs, as the loop
    /// does it: the store reopens the sweep and records the retry, the scheduler counts the jobs
    /// it will bring back; slices follow (`advanceARetry`).
    mutating func retryASweep() {
        guard let sweep = store.sweeps.randomElement(using: &rng), store.retries[sweep.id] == nil else { return }
        // A cancelled sweep's failed jobs come back only with its cancelled ones (the loop refuses
        // `--failed` alone there).
        let statuses: Set<JobStatus> = rng.chance(0.5) && !sweep.cancelled ? [.failed] : [.failed, .cancelled]
        guard let (record, awaiting) = store.beginRetry(sweep.id, statuses: statuses) else { return }
        note("retry \(sweep.id) \(statuses.map(\.rawValue).sorted())")
        perform("retry") { $0.beginRetry(record, reopen: statuses.contains(.cancelled), awaiting: awaiting, at: $1) }
    }

    /// One slice of the oldest retry under way, when the planning window has room.
    mutating func advanceARetry() {
        guard let sweep = store.sweeps.first(where: { store.retries[$0.id] != nil })?.id, scheduler.requeueRoom > 0 else { return }
        let rows = Int.random(in: 1...4, using: &rng)
        let step = store.retryStep(sweep, rows: rows)
        note("retry step \(sweep): \(step.jobs.map(\.id.rawValue))\(step.done ? " (done)" : "")")
        perform("retry step") { $0.requeued(step.jobs, in: sweep, reached: step.reached, open: step.open, at: $1) }
        if step.done { perform("retry ended") { $0.retryEnded(sweep, at: $1) } }
    }

    mutating func submitNext() {
        guard !unsubmitted.isEmpty else { return }
        let sweep = store.submit(unsubmitted.removeFirst())
        note("submit \(sweep.record.id)")
        perform("submit") { $0.sweepSubmitted(sweep, at: $1) }
    }

    mutating func deliverToCoordinator() {
        guard !inFlight.isEmpty else { return }
        // Mostly in order; sometimes a later message overtakes.
        let i = rng.chance(0.8) ? 0 : Int.random(in: 0..<inFlight.count, using: &rng)
        let (from, message) = inFlight.remove(at: i)
        switch message {
        case .hello(let slots, let running, let finished):
            perform("hello \(from)", reportedBy: from) { $0.workerHello(from, slots: slots, running: running, finished: finished, at: $1) }
        case .heartbeat: perform("heartbeat \(from)") { $0.workerHeartbeat(from, at: $1) }
        case .reports(let reports): perform("reports \(from)", reportedBy: from) { $0.workerReported(from, reports, at: $1) }
        case .progress(let job, let attempt): perform("progress \(from)") { $0.jobProgress(from, job: job, attempt: attempt, at: $1) }
        case .credit(let window): perform("credit \(from)") { $0.workerCredit(from, window: window, at: $1) }
        case .goodbye: perform("goodbye \(from)") { $0.workerGoodbye(from, at: $1) }
        }
    }

    mutating func duplicateAMessage() {
        guard let message = inFlight.randomElement(using: &rng) else { return }
        note("duplicate a message from \(message.from)")
        inFlight.append(message)
    }

    mutating func advanceTime(by duration: Duration) {
        now = now + duration
        for i in workers.indices where workers[i].state == .alive {
            if now.duration(since: workers[i].lastHeard) > configuration.livenessTimeout {
                workers[i].lastHeard = now  // Paranoid Pirate: reconnect and announce again
                sendHello(from: i)
            } else if now.duration(since: workers[i].lastSent) >= configuration.heartbeatInterval {
                send(from: i, .heartbeat)
            }
        }
        perform("tick") { $0.tick($1) }
    }

    // MARK: The worker side

    mutating func addWorker() {
        nextWorker += 1
        let worker = SimWorker(id: WorkerID(rawValue: "w\(nextWorker)"), slots: Int.random(in: 1...3, using: &rng),
            lastHeard: now, lastSent: now)
        workers.append(worker)
        note("\(worker.id) arrives with \(worker.slots) slots")
        sendHello(from: workers.count - 1)
    }

    mutating func send(from i: Int, _ message: ToCoordinator) {
        workers[i].lastSent = now
        guard workers[i].state == .alive else { return }
        inFlight.append((workers[i].id, message))
    }

    mutating func sendHello(from i: Int) {
        send(from: i, .hello(slots: workers[i].slots, running: workers[i].held, finished: workers[i].unacked))
    }

    mutating func aliveWorkerIndex() -> Int? {
        workers.indices.filter { workers[$0].state == .alive }.randomElement(using: &rng)
    }

    mutating func deliverToWorker() {
        let ready = workers.indices.filter { workers[$0].state == .alive && !workers[$0].inbox.isEmpty }
        guard let i = ready.randomElement(using: &rng) else { return }
        let message = workers[i].inbox.removeFirst()
        if rng.chance(0.02) { workers[i].inbox.insert(message, at: 0) }  // delivered twice
        workers[i].lastHeard = now
        switch message {
        case .assign(let assignments):
            for a in assignments where !workers[i].held.contains(JobAttempt(job: a.job, attempt: a.attempt)) {
                workers[i].held.append(JobAttempt(job: a.job, attempt: a.attempt))
            }
        case .ack(let ids): workers[i].unacked.removeAll { ids.contains($0.job) }
        case .abort(let ids): workers[i].held.removeAll { ids.contains($0.job) }
        case .heartbeat: break
        case .reconnect: sendHello(from: i)
        }
    }

    mutating func finishAJob() {
        let busy = workers.indices.filter { workers[$0].state == .alive && !workers[$0].held.isEmpty }
        guard let i = busy.randomElement(using: &rng) else { return }
        let k = Int.random(in: 0..<min(workers[i].slots, workers[i].held.count), using: &rng)
        let held = workers[i].held.remove(at: k)
        let report: WorkerReport =
            alwaysFailing.contains(held.job) || rng.chance(0.05)
            ? .failed(FailedJob(job: held.job, attempt: held.attempt, error: "boom on \(workers[i].id)"))
            : .completed(CompletedJob(job: held.job, attempt: held.attempt, result: Fixture.done))
        workers[i].unacked.append(report)
        send(from: i, .reports([report]))
    }

    mutating func reportProgress() {
        let busy = workers.indices.filter { workers[$0].state == .alive && !workers[$0].held.isEmpty }
        guard let i = busy.randomElement(using: &rng), let held = workers[i].held.first else { return }
        send(from: i, .progress(held.job, attempt: held.attempt))
    }

    mutating func goodbye() {
        guard let i = aliveWorkerIndex() else { return }
        note("\(workers[i].id) says goodbye")
        send(from: i, .goodbye)
        workers[i].state = .gone
        workers[i].inbox = []
    }

    mutating func setState(_ state: WorkerState, _ what: String) {
        guard let i = aliveWorkerIndex() else { return }
        note("\(workers[i].id) \(what)")
        workers[i].state = state
        if state == .gone || state == .partitioned { workers[i].inbox = [] }
        if state == .gone || state == .partitioned { inFlight.removeAll { $0.from == workers[i].id && rng.chance(0.5) } }
    }

    mutating func resume(_ from: WorkerState, _ what: String) {
        guard let i = workers.indices.first(where: { workers[$0].state == from }) else { return }
        note("\(workers[i].id) \(what)")
        workers[i].state = .alive
    }

    /// How often each kind of action happened, to show the run exercised what it claims.
    var tally: [String: Int] = [:]

    mutating func count(_ action: SchedulerAction) {
        let kind: String
        switch action {
        case .persist(.attemptEnded(_, _, let outcome, let error)):
            kind = "ended \(outcome.rawValue)" + (error?.contains("no longer held") == true ? " (unlisted in hello)" : "")
                + (error?.contains("superseded") == true ? " (superseded by late result)" : "")
                + (error?.contains("did not come back") == true ? " (provisional)" : "")
                + (error?.contains("timeout") == true ? " (timeout)" : "")
        case .logRejected(_, _, _, let reason): kind = "rejected \(reason)"
        case .persist(let change): kind = "persist " + String(describing: change).prefix { $0 != "(" }
        default: kind = String(describing: action).prefix { $0 != "(" }.description
        }
        tally[kind, default: 0] += 1
    }

    mutating func note(_ line: String) {
        trace.append("t=\(now) \(line)")
        if trace.count > 40 { trace.removeFirst() }
    }
}
