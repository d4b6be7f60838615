import SchedulerSimulationSupport
import SweepModel
import SweepWire
@testable import Worker

// MARK: The worker side: processes around real WorkerSessions

extension WorkerSimulation {
    mutating func addWorker(steady: Bool) {
        nextWorker += 1
        var configuration = baseConfiguration
        configuration.workerID = WorkerID(rawValue: "w\(nextWorker)")
        configuration.slots = Int.random(in: 1...3, using: &rng)
        configuration.prefetch = rng.chance(0.5) ? nil : Int.random(in: 0...2, using: &rng)
        configuration.gracePeriod = .milliseconds(Int.random(in: 0...2000, using: &rng))
        if !steady {
            configuration.maxJobs = rng.chance(0.4) ? Int.random(in: 1...5, using: &rng) : nil
            configuration.idleExit = rng.chance(0.4) ? .milliseconds(Int.random(in: 500...4000, using: &rng)) : nil
        }
        let session = WorkerSession(configuration: configuration, now: workerNow)
        processes.append(Process(
            id: configuration.workerID, session: session, steady: steady,
            slots: Array(repeating: [], count: session.slotCount)))
        note("\(configuration.workerID) starts with \(session.slotCount) slots\(steady ? "" : " (may leave)")")
        let i = processes.count - 1
        workerEvent(i, .start)
        for slot in 0..<session.slotCount { workerEvent(i, .slotStarted(slot: slot)) }
        workerEvent(i, .tick)
    }

    /// One event into a worker's session, its actions performed, its invariants checked.
    mutating func workerEvent(_ i: Int, _ event: WorkerSessionEvent) {
        guard processes[i].alive else { return }
        let actions = processes[i].session.handle(event, at: workerNow)
        processes[i].handingTo = nil
        for action in actions { perform(action, on: i) }
        if checkEveryEvent { checkWorker(i, after: Self.describe(event)) }
    }

    /// An event for a failure message: jobs by attempt, not by their bytes.
    static func describe(_ event: WorkerSessionEvent) -> String {
        switch event {
        case .assigned(let jobs): "assigned(\(jobs.map { "\($0.job)#\($0.attempt)" }))"
        case .slotFinished(let slot, let result): "slotFinished(slot: \(slot), \(result.jobAttempt.job)#\(result.jobAttempt.attempt))"
        default: "\(event)"
        }
    }

    mutating func checkWorker(_ i: Int, after what: @autoclosure () -> String) {
        let broken = processes[i].session.invariantViolations()
        if !broken.isEmpty { problems.append("\(processes[i].id) after \(what()): \(broken)") }
    }

    mutating func perform(_ action: WorkerSessionAction, on i: Int) {
        let id = processes[i].id
        let handingTo = processes[i].handingTo
        processes[i].handingTo = nil
        switch action {
        case .connect:
            processes[i].connectionsOpened += 1
            processes[i].connection = processes[i].connectionsOpened
            processes[i].inbox.removeAll()
            if processes[i].connectionsOpened > 1 { count("worker reconnected") }
        case .disconnect:
            processes[i].connection = 0
            processes[i].inbox.removeAll()
            count("worker found the coordinator silent")
        case .send(let message): sendUpstream(from: i, .message(message))
        case .sendResults(let results): sendUpstream(from: i, .results(results))
        case .run(let job, let slot):
            // A slot takes jobs only while idle, several in one hand-off (consecutive `run`s).
            if let busy = processes[i].slots[slot].first, handingTo != slot {
                problems.append("\(id) slot \(slot) given \(job.jobAttempt) while running \(busy)")
            }
            if processes[i].slots[slot].isEmpty { processes[i].abortRequested.remove(slot) }
            processes[i].slots[slot].append(job.jobAttempt)
            processes[i].handingTo = slot
        case .abort(let attempt, let slot):
            if processes[i].slots[slot].first == attempt {
                processes[i].abortRequested.insert(slot)
            } else if !processes[i].slots[slot].contains(attempt) {
                // (An attempt still waiting in its slot's hand-off runs anyway, as a real slot does.)
                problems.append("\(id) aborts \(attempt) on slot \(slot), which runs \(processes[i].slots[slot])")
            }
        case .stop(let slot):
            if let busy = processes[i].slots[slot].first { problems.append("\(id) stops slot \(slot) while it runs \(busy)") }
        case .log:
            break
        case .exit(let exit):
            note("\(id) exits: \(exit)")
            count("worker exit \(exit)")
            processes[i].alive = false
            if processes[i].slots.contains(where: { !$0.isEmpty }) { problems.append("\(id) exited with a slot busy") }
        }
    }

    mutating func sendUpstream(from i: Int, _ message: Upstream) {
        guard processes[i].connection != 0 else {
            return problems.append("\(processes[i].id) sent without a connection")
        }
        guard !processes[i].partitioned else { return }
        inFlight.append((Route(worker: processes[i].id, connection: processes[i].connection), message))
    }

    /// A worker's loop reads one message (or all waiting), then ticks.
    mutating func deliverToAWorker(all: Bool) {
        let ready = processes.indices.filter { processes[$0].alive && !processes[$0].inbox.isEmpty }
        guard let i = ready.randomElement(using: &rng) else { return }
        deliver(to: i, all: all)
    }

    mutating func deliver(to i: Int, all: Bool) {
        var budget = all ? processes[i].inbox.count : 1
        while budget > 0, processes[i].alive, !processes[i].inbox.isEmpty {
            budget -= 1
            workerEvent(i, processes[i].inbox.removeFirst())
        }
        workerEvent(i, .tick)
    }

    /// Some slots of a busy worker end their jobs: a result, a failure, or (when told to abort)
    /// mostly abandoned; then the worker's loop ticks.
    mutating func finishJobs() {
        let busy = processes.indices.filter { i in processes[i].alive && processes[i].slots.contains { !$0.isEmpty } }
        guard let i = busy.randomElement(using: &rng) else { return }
        for slot in processes[i].slots.indices {
            guard let attempt = processes[i].slots[slot].first, rng.chance(0.6) else { continue }
            processes[i].slots[slot].removeFirst()
            if processes[i].abortRequested.remove(slot) != nil && rng.chance(0.8) {
                count("slot abandoned its job")
                workerEvent(i, .slotAbandoned(slot: slot, attempt))
            } else if alwaysFailing.contains(attempt.job) || rng.chance(0.04) {
                workerEvent(i, .slotFailed(slot: slot, FailedJob(job: attempt.job, attempt: attempt.attempt, error: "boom")))
            } else {
                if let result = encodedResult(attempt) { workerEvent(i, .slotFinished(slot: slot, result)) }
            }
        }
        workerEvent(i, .tick)
    }

    /// The attempt's result as its slot encodes it, made once per attempt.
    mutating func encodedResult(_ attempt: JobAttempt) -> EncodedResult? {
        let key = "\(attempt.job.rawValue)#\(attempt.attempt)"
        if let known = encodedResults[key] { return known }
        do {
            let result = try EncodedResult(CompletedJob(job: attempt.job, attempt: attempt.attempt, result: Self.clustered))
            encodedResults[key] = result
            return result
        } catch {
            problems.append("cannot encode a result: \(error)")
            return nil
        }
    }

    mutating func reportProgress() {
        let busy = processes.indices.filter { i in processes[i].alive && processes[i].slots.contains { !$0.isEmpty } }
        guard let i = busy.randomElement(using: &rng), let attempt = processes[i].slots.compactMap(\.first).first else { return }
        workerEvent(i, .slotProgress(.init(job: attempt.job, attempt: attempt.attempt, epoch: 1, metrics: Self.metrics)))
    }

    mutating func aliveIndex() -> Int? { processes.indices.filter { processes[$0].alive }.randomElement(using: &rng) }

    /// `kill -9`: the process and everything it held in memory vanish; no goodbye.
    mutating func killAWorker() {
        guard let i = aliveIndex() else { return }
        note("\(processes[i].id) killed")
        count("worker killed")
        processes[i].alive = false
        processes[i].inbox.removeAll()
        let id = processes[i].id
        inFlight.removeAll { $0.route.worker == id && rng.chance(0.5) }
    }

    /// SIGTERM: drain within the grace period, goodbye, exit.
    mutating func stopAWorker() {
        guard let i = aliveIndex() else { return }
        note("\(processes[i].id) SIGTERM")
        count("worker stopped")
        workerEvent(i, .stopRequested)
        workerEvent(i, .tick)
    }

    /// The coordinator tells one worker to shut down (as `requestStop(shutdownWorkers:)` does).
    mutating func shutDownAWorker() {
        guard let i = aliveIndex() else { return }
        note("shutdown to \(processes[i].id)")
        count("shutdown sent")
        send(.received(.shutdown(.init(reason: "test", graceSeconds: Double(Int.random(in: 0...2, using: &rng))))), to: processes[i].id)
    }

    /// The link is cut both ways until healed (messages already on the way are lost).
    mutating func partitionAWorker() {
        guard let i = aliveIndex() else { return }
        note("\(processes[i].id) partitioned")
        count("worker partitioned")
        processes[i].partitioned = true
        processes[i].inbox.removeAll()
        let id = processes[i].id
        inFlight.removeAll { $0.route.worker == id }
    }

    mutating func healAWorker() {
        guard let i = processes.indices.first(where: { processes[$0].alive && processes[$0].partitioned }) else { return }
        note("\(processes[i].id) healed")
        processes[i].partitioned = false
    }
}
