import Foundation
import Logging
import SweepModel
import SweepStore
import SweepWire

// MARK: Client requests

/// A client request the coordinator refuses, with the reply that says why.
struct RefusedRequest: Error {
    let failure: ClientReply.Failure

    init(_ code: ClientReply.Failure.Code, _ message: String) {
        failure = .init(code: code, message: message)
    }
}

extension CoordinatorLoop {
    /// Answers a client. Replies wait in the outbox like every other message, so a `submitted` or
    /// `cancelled` leaves only after what it reports is committed.
    func handleClient(_ request: ClientRequest, requestID: UInt64, route: [UInt8]) {
        let reply: ClientReply
        do throws(RefusedRequest) {
            switch request {
            case .submit(let submit):
                // Answered once its plan is hashed (`advancePlanHashing`), a slice per iteration.
                try startHashing(submit, dryRun: false, requestID: requestID, route: route)
                return
            case .status(let status): reply = try self.status(of: status.sweep)
            case .cancel(let cancel): reply = try self.cancel(cancel.sweep)
            case .workers: reply = workers()
            case .report(let report): reply = try self.report(of: report.sweep)
            case .retry(let retry): reply = try self.retry(retry)
            case .plan(let plan):
                try startHashing(plan, dryRun: true, requestID: requestID, route: route)
                return
            case .delete(let delete):
                // Answered once the sweep is gone (`advanceDeletions`), a slice per iteration.
                try startDeleting(delete.sweep, requestID: requestID, route: route)
                return
            case .results(let results): reply = try self.results(results)
            case .reportPage(let page): reply = try self.reportPage(page)
            }
        } catch {
            reply = .error(error.failure)
        }
        outbox.reply(reply, to: route, requestID: requestID)
    }

    /// Validates the sweep file and queues its plan for hashing into the sweep id; `submit` and
    /// `submit --dry-run` are answered when that is done (`finishHashing`).
    private func startHashing(
        _ request: ClientRequest.Submit, dryRun: Bool, requestID: UInt64, route: [UInt8]
    ) throws(RefusedRequest) {
        let spec: SweepSpec
        do {
            spec = try SweepFile.parse(text: request.sourceText, sourceName: request.sourceName)
        } catch {
            throw RefusedRequest(.invalidSweep, error.description)
        }
        let storeHoldsJobs: Bool
        do {
            storeHoldsJobs = try store.holdsJobs()
        } catch {
            throw RefusedRequest(.unavailable, error.description)
        }
        hashing.append(PlanHashing(
            route: route, requestID: requestID, request: request, dryRun: dryRun, spec: spec,
            lookUpStatuses: storeHoldsJobs))
    }

    /// Hashes the oldest queued plan for at most `budget`, looking its jobs up in the store when
    /// it may hold some; answers its request when done. Returns whether hashing work is left.
    func advancePlanHashing(budget: Duration) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + budget
        while var task = hashing.first {
            hashing.removeFirst()
            do throws(RefusedRequest) {
                while !task.isComplete && clock.now < deadline {
                    do {
                        try task.advance(by: 4096)
                    } catch {
                        guard case .job(let job, let first, let second) = error else { break }
                        throw RefusedRequest(.invalidSweep, "\(task.request.sourceName): plan positions \(first) and \(second) are the same job (\(job.short)); make the grid's values distinct")
                    }
                    let ids = task.takeUnlookedUp()
                    if !ids.isEmpty {
                        do {
                            for (status, count) in try store.statuses(of: ids) { task.storedStatuses[status, default: 0] += count }
                        } catch {
                            throw RefusedRequest(.unavailable, error.description)
                        }
                    }
                }
                guard task.isComplete else {
                    if !task.announced {
                        task.announced = true
                        logger.info("hashing a big plan between loop iterations", metadata: [
                            "name": "\(task.spec.name)", "jobs": "\(task.plan.count)", "dryRun": "\(task.dryRun)",
                        ])
                    }
                    hashing.insert(task, at: 0)
                    return true
                }
                let reply = task.dryRun ? planned(task) : try submitted(task)
                outbox.reply(reply, to: task.route, requestID: task.requestID)
            } catch {
                outbox.reply(.error(error.failure), to: task.route, requestID: task.requestID)
            }
            if clock.now >= deadline { return !hashing.isEmpty }
        }
        return false
    }

    /// Stores the hashed sweep (its file and plan size; idempotent) and hands it to the
    /// scheduler, whose jobs are then planned slice by slice (`advancePlanning`).
    private func submitted(_ task: PlanHashing) throws(RefusedRequest) -> ClientReply {
        let id = task.sweepID
        let spec = task.spec
        let total = task.plan.count
        let record = SweepRecord(
            id: id, name: spec.name, sourceText: task.request.sourceText, sourceName: task.request.sourceName,
            maxAttempts: spec.maxAttempts, jobTimeoutSeconds: spec.jobTimeoutSeconds, createdAt: date,
            jobCount: total, plannedJobs: 0)
        let outcome: SubmitOutcome
        do {
            outcome = try store.submit(sweep: record)
        } catch {
            logger.error("storing a submitted sweep failed", metadata: ["sweep": "\(id)", "error": "\(error)"])
            throw RefusedRequest(.unavailable, "\(error)")
        }
        if scheduler.progress(of: id) == nil && !outcome.alreadySubmitted {
            directory.add(outcome.sweep)
            perform(scheduler.sweepSubmitted(StoredSweep(record: outcome.sweep, jobs: []), at: now))
            plans[id] = task.plan
        }
        let done = outcome.alreadySubmitted
            ? (try? store.counts(sweep: id)).map { JobStatusCounts($0).done } ?? 0
            : task.storedStatuses.filter { $0.key.isCompleted }.values.reduce(0, +)
        logger.info(outcome.alreadySubmitted ? "sweep submitted again" : "sweep submitted", metadata: [
            "sweep": "\(id)", "name": "\(spec.name)", "jobs": "\(total)", "done": "\(done)",
        ])
        return .submitted(.init(
            sweep: id, name: spec.name, totalJobs: total, alreadyDone: done, resubmitted: outcome.alreadySubmitted))
    }

    /// What submitting would do, without storing anything: the plan and how much of it the store
    /// already holds (`submit --dry-run`).
    private func planned(_ task: PlanHashing) -> ClientReply {
        let counts = task.storedStatuses
        let done = counts.filter { $0.key.isCompleted }.values.reduce(0, +)
        let failed = (counts[.failed] ?? 0) + (counts[.cancelled] ?? 0)
        return .planned(.init(
            sweep: task.sweepID, name: task.spec.name, totalJobs: task.plan.count, alreadyDone: done,
            alreadyFailed: failed, alreadySubmitted: directory.contains(task.sweepID)))
    }

    /// Turns the next plan positions the scheduler wants into jobs: one store transaction, at most
    /// `limit` jobs, then the scheduler queues them. Returns whether more planning is wanted.
    func advancePlanning(limit: Int) throws(CoordinatorError) -> Bool {
        guard let wanted = scheduler.planningWanted(limit: limit) else { return false }
        var plan: SweepPlan
        if let cached = plans[wanted.sweep] {
            plan = cached
        } else {
            guard let record = directory.record(wanted.sweep) else { return false }
            do {
                plan = SweepPlan(try SweepFile.parse(text: record.sourceText, sourceName: record.sourceName))
            } catch {
                // The file was valid when submitted; a binary with different rules refuses it now.
                logger.error("a stored sweep file no longer parses; its unplanned jobs stay pending", metadata: [
                    "sweep": "\(record.id)", "error": "\(error.description)",
                ])
                scheduler.abandonPlanning(of: record.id)
                return true
            }
        }
        let (jobs, encoded) = plan.encodedJobs(in: wanted.positions)
        plans[wanted.sweep] = plan
        let records: [JobRecord]
        do {
            records = try store.planJobs(sweep: wanted.sweep, jobs: jobs, encodedParameters: encoded)
        } catch {
            logger.critical("creating planned jobs failed; stopping", metadata: [
                "sweep": "\(wanted.sweep)", "error": "\(error)",
            ])
            throw .commitFailed(error)
        }
        perform(scheduler.jobsPlanned(records, in: wanted.sweep, at: now))
        if scheduler.unplannedJobs(of: wanted.sweep) == 0 { plans[wanted.sweep] = nil }
        return true
    }

    /// Progress of one sweep or of all, from memory (never the store), so it answers at once.
    private func status(of reference: SweepID?) throws(RefusedRequest) -> ClientReply {
        let records = try reference.map { reference throws(RefusedRequest) in [try resolve(reference)] } ?? directory.records
        var total = 0.0
        let queued = scheduler.queuedOnWorkers()
        let sweeps = records.map { record in
            var status = sweepStatus(record)
            status.queuedOnWorkers = min(queued[record.id] ?? 0, status.counts.running)
            total += status.jobsPerSecond
            return status
        }
        return .status(.init(
            sweeps: sweeps, workersAlive: scheduler.liveWorkerCount, slotsAlive: scheduler.liveSlots,
            jobsPerSecond: total))
    }

    private func sweepStatus(_ record: SweepRecord) -> ClientReply.SweepStatus {
        let progress = scheduler.progress(of: record.id)
        let counts = (progress?.counts ?? JobStatusCounts()) + directory.countsOutsideScheduler(record.id)
        var wire = ClientReply.JobCounts()
        for status in JobStatus.allCases { wire[status] = counts[status] }
        let finished = counts.unfinished == 0
        return .init(
            sweep: record.id, name: record.name, counts: wire, cancelled: record.cancelled,
            createdAt: record.createdAt, finishedAt: record.finishedAt,
            jobsPerSecond: finished ? 0 : progress?.jobsPerSecond(at: now) ?? 0,
            etaSeconds: finished ? 0 : progress?.estimatedSecondsRemaining(at: now),
            description: directory.description(of: record.id))
    }

    /// Stops handing out the sweep's jobs and aborts its running ones.
    private func cancel(_ reference: SweepID) throws(RefusedRequest) -> ClientReply {
        let record = try resolve(reference)
        guard record.finishedAt == nil, !record.cancelled else {
            return .cancelled(.init(sweep: record.id, jobsCancelled: 0, alreadyEnded: true))
        }
        // Plan positions without a job yet are cancelled by the sweep's flag alone.
        var cancelled = scheduler.unplannedJobs(of: record.id)
        stopRetry(of: record.id)
        let actions = scheduler.cancel(record.id, at: now)
        for case .persist(.jobsCancelled(let jobs)) in actions { cancelled += jobs.count }
        logger.info("sweep cancelled", metadata: ["sweep": "\(record.id)", "jobs": "\(cancelled)"])
        perform(actions)
        return .cancelled(.init(sweep: record.id, jobsCancelled: cancelled))
    }

    /// Puts the sweep's failed and/or cancelled jobs back in the queue. The store reopens the
    /// sweep and records the retry at once, and the reply leaves with the counts `status` shows:
    /// from then on they count as pending. The jobs themselves are re-queued a slice at a time as
    /// the planning window has room (`advanceRetries`), so a million of them neither stall the
    /// loop nor sit in memory at once; a restart carries the retry on. A retry with nothing to
    /// bring back changes nothing.
    private func retry(_ request: ClientRequest.Retry) throws(RefusedRequest) -> ClientReply {
        let record = try resolve(request.sweep)
        if let maxAttempts = request.maxAttempts, !(1...100).contains(maxAttempts) {
            throw RefusedRequest(.badRequest, "max attempts must be between 1 and 100 (got \(maxAttempts))")
        }
        if record.cancelled && !request.cancelled && request.failed {
            // Its failed jobs would be pending in a sweep that hands nothing out: never run.
            throw RefusedRequest(.badRequest, """
                sweep \(record.id.short) ('\(record.name)') is cancelled: retry its failed jobs together with its \
                cancelled ones (--cancelled too, or neither flag), which resumes it
                """)
        }
        var statuses: Set<JobStatus> = []
        if request.failed { statuses.insert(.failed) }
        if request.cancelled { statuses.insert(.cancelled) }
        let counts = (scheduler.progress(of: record.id)?.counts ?? JobStatusCounts()) + directory.countsOutsideScheduler(record.id)
        guard statuses.contains(where: { counts[$0] > 0 }) || request.maxAttempts != nil else {
            return .retried(.init(sweep: record.id, failed: 0, cancelled: 0, maxAttempts: record.maxAttempts))
        }
        guard !retries.contains(record.id) else {
            throw RefusedRequest(.badRequest, """
                a retry of sweep \(record.id.short) ('\(record.name)') is still re-queueing its jobs; retry again once \
                it is done (`clustersweep status` counts them pending meanwhile)
                """)
        }
        let reopened: SweepRecord
        do {
            reopened = try store.beginRetry(sweep: record.id, statuses: statuses, maxAttempts: request.maxAttempts)
        } catch {
            logger.error("re-queueing jobs failed", metadata: ["sweep": "\(record.id)", "error": "\(error)"])
            throw RefusedRequest(.unavailable, error.description)
        }
        // Unplanned positions of a reopened sweep are pending again by the flag alone; the
        // scheduler counts them from now on if it did not hold the sweep (it moves them itself
        // if it did). The jobs with rows wait for the retry's slices.
        let reopenedUnplanned = request.cancelled && record.cancelled ? reopened.unplannedJobs : 0
        var outside = directory.countsOutsideScheduler(record.id)
        if scheduler.progress(of: record.id) == nil { outside[.cancelled] -= reopenedUnplanned }
        directory.add(reopened, countsOutsideScheduler: outside)
        var awaiting = JobStatusCounts()
        for status in statuses { awaiting[status] = counts[status] }
        awaiting[.cancelled] -= reopenedUnplanned
        perform(scheduler.beginRetry(reopened, reopen: request.cancelled, awaiting: awaiting, at: now))
        retries.append(record.id)
        logger.info("jobs re-queued", metadata: [
            "sweep": "\(record.id)", "failed": "\(awaiting[.failed])", "cancelled": "\(awaiting[.cancelled] + reopenedUnplanned)",
            "maxAttempts": "\(reopened.maxAttempts)",
        ])
        return .retried(.init(
            sweep: record.id, failed: awaiting[.failed], cancelled: awaiting[.cancelled] + reopenedUnplanned,
            maxAttempts: reopened.maxAttempts))
    }

    /// Starts removing an ended sweep (finished or cancelled) and the jobs only it holds; an open
    /// one is refused (cancel it first), so nothing a worker runs can lose its sweep. The sweep
    /// disappears at once (flagged in the store, gone from the directory and the scheduler); its
    /// rows go a slice per iteration, and the reply, with the counts, when the last is gone.
    private func startDeleting(_ reference: SweepID, requestID: UInt64, route: [UInt8]) throws(RefusedRequest) {
        let record = try resolve(reference)
        guard record.finishedAt != nil || record.cancelled else {
            throw RefusedRequest(.badRequest, "sweep \(record.id.short) ('\(record.name)') is still running; cancel it first")
        }
        do {
            try store.beginDelete(sweep: record.id)
        } catch {
            logger.error("deleting a sweep failed", metadata: ["sweep": "\(record.id)", "error": "\(error)"])
            throw RefusedRequest(.unavailable, error.description)
        }
        scheduler.forget(record.id)
        directory.remove(record.id)
        plans[record.id] = nil
        deletions.append(SweepDeletion(sweep: record.id, name: record.name, reply: (route, requestID)))
    }

    /// The live workers, sorted by id.
    private func workers() -> ClientReply {
        let infos = peers.sessions.filter { scheduler.isLive($0.key) }.sorted { $0.key < $1.key }.map { worker, session in
            ClientReply.WorkerInfo(
                worker: worker, host: session.host, pid: session.pid, slots: session.slots,
                softwareVersion: session.softwareVersion, kernelFamily: session.kernelFamily,
                connectedAt: session.connectedAt, lastSeen: session.lastSeen,
                running: scheduler.leaseCount(of: worker) - scheduler.queuedCount(of: worker),
                queued: scheduler.queuedCount(of: worker), completed: session.completed)
        }
        return .workers(.init(infos))
    }

    /// The sweep record and its job records as committed, in one reply: for clients that predate
    /// `client.report_page`, and only for sweeps small enough to read within a loop turn.
    private func report(of reference: SweepID) throws(RefusedRequest) -> ClientReply {
        let record = try resolve(reference)
        let progress = scheduler.progress(of: record.id)
        let counts = (progress?.counts ?? JobStatusCounts()) + directory.countsOutsideScheduler(record.id)
        let jobs = counts.total
        guard jobs <= ClientRequest.Report.maxJobs else {
            throw RefusedRequest(.badRequest, """
                sweep \(record.id.short) has \(jobs) jobs: its report is read in pages (client.report_page); \
                this client predates that, so upgrade clustersweep
                """)
        }
        do {
            let stored = try store.sweep(id: record.id) ?? record
            return .report(.init(sweep: stored, jobs: try store.jobRecords(sweep: record.id)))
        } catch {
            logger.error("reading a report failed", metadata: ["sweep": "\(record.id)", "error": "\(error)"])
            throw RefusedRequest(.unavailable, error.description)
        }
    }

    /// A sweep named by full id, unique id prefix or name (as `ResultStore.lookupSweep`).
    func resolve(_ reference: SweepID) throws(RefusedRequest) -> SweepRecord {
        switch directory.lookup(reference.rawValue) {
        case .found(let record):
            return record
        case .notFound:
            throw RefusedRequest(.unknownSweep, "no sweep '\(reference.rawValue.prefix(100))' on this coordinator")
        case .ambiguous(let candidates):
            let names = candidates.prefix(5).map { "\($0.id.short) (\($0.name))" }.joined(separator: ", ")
            throw RefusedRequest(.unknownSweep, "'\(reference.rawValue.prefix(100))' matches several sweeps: \(names); give more of the id")
        }
    }
}
