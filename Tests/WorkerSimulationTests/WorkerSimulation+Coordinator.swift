import Coordinator
import SchedulerSimulationSupport
import SweepModel
import SweepStore
import SweepWire
@testable import Worker

// MARK: The coordinator side: what CoordinatorLoop does around the Scheduler

extension WorkerSimulation {
    mutating func submitNext() {
        guard !unsubmitted.isEmpty else { return }
        let sweep = store.submit(unsubmitted.removeFirst())
        note("submit \(sweep.record.id)")
        perform("submit", scheduler.sweepSubmitted(sweep, at: now))
    }

    /// Takes one message off the network: usually the oldest, sometimes a later one overtakes.
    mutating func deliverToCoordinator(inOrder: Bool = false) {
        guard !inFlight.isEmpty else { return }
        let index = inOrder || rng.chance(0.8) ? 0 : Int.random(in: 0..<inFlight.count, using: &rng)
        let (route, upstream) = inFlight.remove(at: index)
        let message: WorkerMessage
        switch upstream {
        case .message(let m): message = m
        case .results(let results):
            // Every simulated job ends `clustered` (the codec has its own tests; decoding each
            // result here would double the simulation's time).
            message = .results(.init(results.map {
                CompletedJob(job: $0.jobAttempt.job, attempt: $0.jobAttempt.attempt, result: Self.clustered)
            }))
        }
        if case .hello(let hello) = message { return handleHello(hello, route: route) }
        guard let worker = workerAt[route] else {
            if let last = reconnectToldAt[route], now < last + schedulerConfiguration.heartbeatInterval { return }
            reconnectToldAt[route] = now
            count("reconnect to an unknown peer")
            return send(.received(.reconnect), toRoute: route)
        }
        switch message {
        case .hello: break
        case .ready(let ready):
            let assigned = assignedInSession[worker] ?? 0
            let received = min(max(0, ready.received), assigned)
            let wants = min(max(0, ready.wants), schedulerConfiguration.maxSlotsPerWorker * 2)
            let window = max(0, scheduler.leaseCount(of: worker) + wants - (assigned - received))
            perform("ready \(worker)", scheduler.workerCredit(worker, window: window, at: now))
        case .heartbeat: perform("heartbeat \(worker)", scheduler.workerHeartbeat(worker, at: now))
        case .progress(let p):
            perform("progress \(worker)", scheduler.jobProgress(worker, job: p.job, attempt: p.attempt, at: now))
        case .results(let results):
            let reports = results.results.map(WorkerReport.completed)
            perform("results \(worker)", scheduler.workerReported(worker, reports, at: now), reports: reports, from: worker)
        case .failures(let failures):
            let reports = failures.failures.map(WorkerReport.failed)
            perform("failures \(worker)", scheduler.workerReported(worker, reports, at: now), reports: reports, from: worker)
        case .released(let released):
            let reports = released.jobs.map(WorkerReport.released)
            perform("released \(worker)", scheduler.workerReported(worker, reports, at: now), reports: reports, from: worker)
        case .goodbye:
            count("goodbye")
            perform("goodbye \(worker)", scheduler.workerGoodbye(worker, at: now))
        }
    }

    /// A hello makes the connection the worker's, starts a flow-control session, and is answered
    /// with `welcome{keep}` before anything else of the event.
    mutating func handleHello(_ hello: WorkerMessage.Hello, route: Route) {
        let worker = hello.worker
        if let old = routeOf[worker], old != route { workerAt[old] = nil }
        workerAt[route] = worker
        routeOf[worker] = route
        assignedInSession[worker] = 0
        reconnectToldAt[route] = nil
        let running = hello.running.map { JobAttempt(job: $0.job, attempt: $0.attempt) }
        let reports =
            hello.finished.map(WorkerReport.completed) + hello.failed.map(WorkerReport.failed)
        if !reports.isEmpty { count("hello carrying unacknowledged reports") }
        let actions = scheduler.workerHello(worker, slots: hello.slots, running: running, finished: reports, at: now)
        let keep = hello.running.filter { held in
            guard let holder = scheduler.leaseHolder(of: held.job) else { return false }
            return holder.worker == worker && holder.attempt == held.attempt
        }
        let welcome = CoordinatorMessage.welcome(.init(
            worker: worker, heartbeatIntervalMs: 1000, heartbeatLiveness: schedulerConfiguration.missedHeartbeatsBeforeDead,
            keep: keep, softwareVersion: "simulated"))
        perform("hello \(worker)", actions, reports: reports, from: worker, welcome: (worker, welcome))
    }

    /// Performs one scheduler event as the loop does: maybe crash before the commit, commit the
    /// persistence, maybe crash before sending, send (the welcome first), check invariants.
    mutating func perform(
        _ name: @autoclosure () -> String, _ actions: [SchedulerAction], reports: [WorkerReport] = [],
        from reporter: WorkerID? = nil, welcome: (WorkerID, CoordinatorMessage)? = nil
    ) {
        if rng.chance(0.003) { return restart("crash before commit of \(name())") }
        store.commit(actions, reportedBy: reporter)
        if rng.chance(0.003) { return restart("crash after commit of \(name()), messages lost") }
        if let (worker, message) = welcome { send(.received(message), to: worker) }
        for action in actions {
            switch action {
            case .sendAssign(let worker, let assignments):
                if assignedInSession[worker] != nil { assignedInSession[worker, default: 0] += assignments.count }
                var jobs: [EncodedAssignment] = []
                for assignment in assignments { if let job = encode(assignment) { jobs.append(job) } }
                send(.assigned(jobs), to: worker)
            case .sendAck(let worker, let jobs):
                let acknowledged = Set(jobs)
                let attempts = reports.compactMap { report -> JobAttempt? in
                    if case .released = report { return nil }
                    return acknowledged.contains(report.job) ? report.jobAttempt : nil
                }
                if !attempts.isEmpty { send(.received(.ack(.init(attempts))), to: worker) }
            case .sendAbort(let worker, let jobs):
                let attempts = jobs.flatMap { job in
                    scheduler.abortableAttempts(of: job, on: worker).map { JobAttempt(job: job, attempt: $0) }
                }
                if !attempts.isEmpty {
                    count("abort sent")
                    send(.received(.abort(.init(attempts, reason: "lease ended"))), to: worker)
                }
            case .sendHeartbeat(let worker): send(.received(.heartbeat), to: worker)
            case .sendReconnect(let worker): send(.received(.reconnect), to: worker)
            case .logDuplicate: count("duplicate result dropped")
            case .logLeaseExpired: count("lease expired")
            case .logWorkerDead: count("worker declared dead")
            case .persist(.resultRecorded): count("result recorded")
            default: break
            }
        }
        if checkEveryEvent { checkCoordinator(after: name()) }
    }

    mutating func checkCoordinator(after name: @autoclosure () -> String) {
        let broken = scheduler.invariantViolations() + store.violations
        if !broken.isEmpty { problems.append("after \(name()): \(broken)") }
    }

    /// The coordinator process dies and a new one starts on the same store: the scheduler is
    /// rebuilt from what was committed, peers are forgotten, messages on the wire may be lost.
    mutating func restart(_ why: String) {
        note(why)
        count("coordinator restart")
        let (restored, actions) = Scheduler.restored(from: store.snapshot(), configuration: schedulerConfiguration, now: now)
        scheduler = restored
        store.commit(actions)
        routeOf = [:]
        workerAt = [:]
        assignedInSession = [:]
        reconnectToldAt = [:]
        inFlight = inFlight.filter { _ in rng.chance(0.5) }
    }

    /// The job as the coordinator puts it on the wire (no timeout is sent as 1e9 s).
    mutating func encode(_ assignment: JobAssignment) -> EncodedAssignment? {
        let key = "\(assignment.job.rawValue)#\(assignment.attempt)@\(assignment.timeoutSeconds)"
        if let known = encoded[key] { return known }
        do {
            let job = try EncodedAssignment(assignment)
            encoded[key] = job
            return job
        } catch {
            problems.append("cannot encode \(key): \(error)")
            return nil
        }
    }

    /// Sends to the worker's latest connection; lost if that socket is gone or cut off.
    mutating func send(_ event: WorkerSessionEvent, to worker: WorkerID) {
        guard let route = routeOf[worker] else { return }
        send(event, toRoute: route)
    }

    mutating func send(_ event: WorkerSessionEvent, toRoute route: Route) {
        guard let i = processes.firstIndex(where: { $0.id == route.worker }), processes[i].alive,
            !processes[i].partitioned, processes[i].connection == route.connection
        else { return }
        processes[i].inbox.append(event)
    }

    mutating func duplicateUpstream() {
        guard let message = inFlight.randomElement(using: &rng) else { return }
        note("duplicate a message from \(message.route.worker)")
        count("duplicated upstream")
        inFlight.insert(message, at: Int.random(in: 0...inFlight.count, using: &rng))
    }

    /// Delivers one message to a worker twice (never a welcome: see the suite's comment).
    mutating func duplicateDownstream() {
        let candidates = processes.indices.filter { i in
            processes[i].inbox.contains { if case .received(.welcome) = $0 { false } else { true } }
        }
        guard let i = candidates.randomElement(using: &rng) else { return }
        let positions = processes[i].inbox.indices.filter { k in
            if case .received(.welcome) = processes[i].inbox[k] { false } else { true }
        }
        guard let k = positions.randomElement(using: &rng) else { return }
        count("duplicated downstream")
        processes[i].inbox.insert(processes[i].inbox[k], at: k + 1)
    }
}
