import Logging
import SweepModel
import SweepWire

// MARK: Worker messages → scheduler events

extension CoordinatorLoop {
    /// Maps a worker's message to its scheduler event. A peer is a worker only after its hello;
    /// anything else from an unknown peer is answered with `reconnect` (rate-limited per peer).
    func handleWorker(_ message: WorkerMessage, route: [UInt8]) {
        if case .hello(let hello) = message {
            handleHello(hello, route: route)
            return
        }
        guard let worker = peers.worker(at: route) else {
            if peers.mayAskToReconnect(route, at: now, interval: configuration.scheduler.heartbeatInterval) {
                outbox.askToReconnect(route)
            }
            return
        }
        peers.heard(from: worker, at: now, date: date)
        switch message {
        case .hello:
            break
        case .ready(let ready):
            perform(scheduler.workerCredit(worker, window: leaseWindow(of: worker, after: ready), at: now))
        case .heartbeat:
            perform(scheduler.workerHeartbeat(worker, at: now))
        case .progress(let progress):
            perform(scheduler.jobProgress(worker, job: progress.job, attempt: progress.attempt, at: now))
        case .results(let results):
            let reports = results.results.map(WorkerReport.completed)
            perform(scheduler.workerReported(worker, reports, at: now), reports: reports, from: worker)
        case .failures(let failures):
            let reports = failures.failures.map(WorkerReport.failed)
            perform(scheduler.workerReported(worker, reports, at: now), reports: reports, from: worker)
        case .released(let released):
            let reports = released.jobs.map(WorkerReport.released)
            perform(scheduler.workerReported(worker, reports, at: now), reports: reports, from: worker)
        case .goodbye(let goodbye):
            logger.info("worker left", metadata: [
                "worker": "\(worker)", "reason": "\(goodbye.reason.prefix(200))",
                "leases": "\(scheduler.leaseCount(of: worker))",
            ])
            perform(scheduler.workerGoodbye(worker, at: now))
        }
    }

    /// The most leases the worker may hold after this `ready`: what it holds by the scheduler's
    /// count, plus what it wants, minus the jobs already on their way to it
    /// (`assigned − received`, see PROTOCOL.md "Flow control"). Duplicated or reordered `ready`s
    /// never over-commit it; numbers from the network are clamped.
    private func leaseWindow(of worker: WorkerID, after ready: WorkerMessage.Ready) -> Int {
        let assigned = peers.session(of: worker)?.assigned ?? 0
        let received = min(max(0, ready.received), assigned)
        let wants = min(max(0, ready.wants), configuration.scheduler.maxSlotsPerWorker * 2)
        return max(0, scheduler.leaseCount(of: worker) + wants - (assigned - received))
    }

    /// A hello starts a new session: the connection becomes the worker's, the scheduler learns
    /// what it still holds, and `welcome` (with the attempts it may keep) goes out before
    /// anything else of the session.
    private func handleHello(_ hello: WorkerMessage.Hello, route: [UInt8]) {
        let worker = hello.worker
        guard !worker.rawValue.isEmpty, worker.rawValue.utf8.count <= 256 else {
            noteMalformed(.malformed(reason: "worker.hello: worker id empty or longer than 256 bytes"), route: route)
            return
        }
        peers.hello(hello, route: route, at: now, date: date)
        let running = hello.running.map { JobAttempt(job: $0.job, attempt: $0.attempt) }
        let reports =
            hello.finished.map(WorkerReport.completed) + hello.failed.map(WorkerReport.failed)
        let actions = scheduler.workerHello(worker, slots: hello.slots, running: running, finished: reports, at: now)
        let keep = hello.running.filter { held in
            guard let holder = scheduler.leaseHolder(of: held.job) else { return false }
            return holder.worker == worker && holder.attempt == held.attempt
        }
        let interval = configuration.scheduler.heartbeatInterval
        let welcome = CoordinatorMessage.welcome(.init(
            worker: worker,
            heartbeatIntervalMs: Int(interval.milliseconds),
            heartbeatLiveness: configuration.scheduler.missedHeartbeatsBeforeDead, keep: keep,
            softwareVersion: configuration.softwareVersion))
        outbox.startSession(of: worker, with: welcome)
        logger.info("worker connected", metadata: [
            "worker": "\(worker)", "host": "\(hello.host.prefix(256))", "pid": "\(hello.pid)", "slots": "\(hello.slots)",
            "running": "\(hello.running.count)", "kept": "\(keep.count)", "unacknowledged": "\(reports.count)",
        ])
        perform(actions, reports: reports, from: worker)
        if case .drainingWorkers(var waiting, let deadline) = phase {
            // A worker arriving while the coordinator stops is told to stop too.
            outbox.send(shutdownMessage, to: worker)
            waiting.insert(worker)
            phase = .drainingWorkers(waitingFor: waiting, deadline: deadline)
        }
    }

    // MARK: Actions

    /// Performs one event's actions: persistence joins the iteration's batch, messages wait in the
    /// outbox for the commit, log lines are written now. `reports` are the event's own reports
    /// (sent by `reporter`), which give the attempt numbers of the jobs an `ack` names and the
    /// worker that delivered each recorded result.
    func perform(_ actions: [SchedulerAction], reports: [WorkerReport] = [], from reporter: WorkerID? = nil) {
        for action in actions {
            switch action {
            case .persist(let change):
                batch.add(change, deliveredBy: reporter, directory: directory)
            case .sendAssign(let worker, let assignments):
                peers.countAssigned(assignments.count, to: worker)
                for chunk in assignments.chunked(WireProtocol.maxBatch) { outbox.send(.assign(.init(Array(chunk))), to: worker) }
            case .sendAck(let worker, let jobs):
                let attempts = acknowledgedAttempts(jobs, in: reports)
                for chunk in attempts.chunked(WireProtocol.maxBatch) { outbox.send(.ack(.init(Array(chunk))), to: worker) }
            case .sendAbort(let worker, let jobs):
                let attempts = jobs.flatMap { job in
                    scheduler.abortableAttempts(of: job, on: worker).map { JobAttempt(job: job, attempt: $0) }
                }
                for chunk in attempts.chunked(WireProtocol.maxBatch) {
                    outbox.send(.abort(.init(Array(chunk), reason: "lease ended (sweep cancelled, timed out, or done elsewhere)")), to: worker)
                }
            case .sendHeartbeat(let worker):
                outbox.send(.heartbeat, to: worker)
            case .sendReconnect(let worker):
                outbox.send(.reconnect, to: worker)
            case .logDuplicate(let worker, let job, let attempt):
                logger.info("duplicate result dropped", metadata: [
                    "worker": "\(worker)", "job": "\(job)", "attempt": "\(attempt)",
                ])
            case .logRejected(let worker, let job, let attempt, let reason):
                let (log, suppressed) = rejectedLog.allow(at: now)
                if suppressed > 0 { logger.warning("rejected more reports", metadata: ["count": "\(suppressed)"]) }
                if log {
                    logger.warning("report rejected", metadata: [
                        "worker": "\(worker)", "job": "\(job)", "attempt": "\(attempt)", "reason": "\(reason)",
                    ])
                }
            case .logLeaseExpired(let worker, let job, let attempt, let reason):
                logger.warning("lease expired", metadata: [
                    "worker": "\(worker)", "job": "\(job)", "attempt": "\(attempt)", "reason": "\(reason)",
                ])
            case .logWorkerDead(let worker):
                logger.warning("worker missed its heartbeats; forgotten", metadata: [
                    "worker": "\(worker)", "after": "\(configuration.scheduler.livenessTimeout)",
                ])
            }
        }
    }

    /// The attempts an `ack` of `jobs` stands for: the results and failures among the event's
    /// reports (the scheduler acknowledges each of them, whatever became of it).
    private func acknowledgedAttempts(_ jobs: [JobID], in reports: [WorkerReport]) -> [JobAttempt] {
        // The common case, without hashing: the scheduler acknowledged every result and failure,
        // in the reports' order.
        var inOrder: [JobAttempt] = []
        inOrder.reserveCapacity(jobs.count)
        for report in reports {
            if case .released = report { continue }
            inOrder.append(report.jobAttempt)
        }
        if inOrder.count == jobs.count && zip(inOrder, jobs).allSatisfy({ $0.job == $1 }) { return inOrder }
        let acknowledged = Set(jobs)
        return reports.compactMap { report in
            if case .released = report { return nil }
            return acknowledged.contains(report.job) ? report.jobAttempt : nil
        }
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements (none for an empty array).
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
