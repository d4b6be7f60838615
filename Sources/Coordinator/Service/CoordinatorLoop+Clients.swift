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
            case .submit(let submit): reply = try self.submit(submit)
            case .status(let status): reply = try self.status(of: status.sweep)
            case .cancel(let cancel): reply = try self.cancel(cancel.sweep)
            case .workers: reply = workers()
            case .report(let report): reply = try self.report(of: report.sweep)
            case .retry(let retry): reply = try self.retry(retry)
            case .plan(let plan): reply = try self.plan(plan)
            case .delete(let delete): reply = try self.delete(delete.sweep)
            case .results(let results): reply = try self.results(results)
            case .reportPage(let page): reply = try self.reportPage(page)
            }
        } catch {
            reply = .error(error.failure)
        }
        outbox.reply(reply, to: route, requestID: requestID)
    }

    /// Validates the sweep file, stores the sweep (idempotent) and queues its jobs.
    private func submit(_ request: ClientRequest.Submit) throws(RefusedRequest) -> ClientReply {
        let spec: SweepSpec
        do {
            spec = try SweepFile.parse(text: request.sourceText, sourceName: request.sourceName)
        } catch {
            throw RefusedRequest(.invalidSweep, error.description)
        }
        let planned = spec.plan()
        let id = SweepSpec.sweepID(name: spec.name, jobs: planned.map(\.id))
        let record = SweepRecord(
            id: id, name: spec.name, sourceText: request.sourceText, sourceName: request.sourceName,
            maxAttempts: spec.maxAttempts, jobTimeoutSeconds: spec.jobTimeoutSeconds, createdAt: date)
        let outcome: SubmitOutcome
        do {
            outcome = try store.submit(sweep: record, jobs: planned)
        } catch {
            logger.error("storing a submitted sweep failed", metadata: ["sweep": "\(id)", "error": "\(error)"])
            throw RefusedRequest(.unavailable, error.description)
        }
        // A big sweep takes a while to store: attempts started after it are stamped with the time
        // they start. (The scheduler's clock leaves the stall out by itself: `discountStall`.)
        date = Date()
        if scheduler.progress(of: id) == nil {
            let jobs: [JobRecord]
            if !outcome.alreadySubmitted && outcome.insertedJobs == planned.count {
                // Every job is new, hence pending with no history: no need to read them back.
                jobs = planned.map { JobRecord(id: $0.id, index: $0.index, parameters: $0.parameters, status: .pending) }
            } else {
                do {
                    jobs = try store.jobRecords(sweep: id)
                } catch {
                    logger.error("reading a submitted sweep back failed", metadata: ["sweep": "\(id)", "error": "\(error)"])
                    throw RefusedRequest(.unavailable, error.description)
                }
            }
            directory.add(outcome.sweep)
            perform(scheduler.sweepSubmitted(StoredSweep(record: outcome.sweep, jobs: jobs), at: now))
        }
        let counts = JobStatusCounts(outcome.counts)
        logger.info(outcome.alreadySubmitted ? "sweep submitted again" : "sweep submitted", metadata: [
            "sweep": "\(id)", "name": "\(spec.name)", "jobs": "\(planned.count)", "done": "\(counts.done)",
            "shared": "\(outcome.sharedJobs)",
        ])
        return .submitted(.init(
            sweep: id, name: spec.name, totalJobs: planned.count, alreadyDone: counts.done,
            resubmitted: outcome.alreadySubmitted))
    }

    /// What submitting would do, without storing anything: the plan and how much of it the store
    /// already holds (`submit --dry-run`).
    private func plan(_ request: ClientRequest.Submit) throws(RefusedRequest) -> ClientReply {
        let spec: SweepSpec
        do {
            spec = try SweepFile.parse(text: request.sourceText, sourceName: request.sourceName)
        } catch {
            throw RefusedRequest(.invalidSweep, error.description)
        }
        let planned = spec.plan()
        let id = SweepSpec.sweepID(name: spec.name, jobs: planned.map(\.id))
        let counts: [JobStatus: Int]
        do {
            counts = try store.statuses(of: planned.map(\.id))
        } catch {
            throw RefusedRequest(.unavailable, error.description)
        }
        let done = counts.filter { $0.key.isCompleted }.values.reduce(0, +)
        let failed = (counts[.failed] ?? 0) + (counts[.cancelled] ?? 0)
        return .planned(.init(
            sweep: id, name: spec.name, totalJobs: planned.count, alreadyDone: done, alreadyFailed: failed,
            alreadySubmitted: directory.contains(id)))
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
        let actions = scheduler.cancel(record.id, at: now)
        var cancelled = 0
        for case .persistCancelled(let sweep, let jobs) in actions where sweep == record.id { cancelled += jobs.count }
        logger.info("sweep cancelled", metadata: ["sweep": "\(record.id)", "jobs": "\(cancelled)"])
        perform(actions)
        return .cancelled(.init(sweep: record.id, jobsCancelled: cancelled))
    }

    /// Puts the sweep's failed and/or cancelled jobs back in the queue: committed to the store
    /// first, then handed to the scheduler (which reopens the sweep), so the reply reports what
    /// the store holds.
    private func retry(_ request: ClientRequest.Retry) throws(RefusedRequest) -> ClientReply {
        let record = try resolve(request.sweep)
        if let maxAttempts = request.maxAttempts, !(1...100).contains(maxAttempts) {
            throw RefusedRequest(.badRequest, "max attempts must be between 1 and 100 (got \(maxAttempts))")
        }
        var statuses: Set<JobStatus> = []
        if request.failed { statuses.insert(.failed) }
        if request.cancelled { statuses.insert(.cancelled) }
        let outcome: RetryOutcome
        do {
            outcome = try store.retry(sweep: record.id, statuses: statuses, maxAttempts: request.maxAttempts)
        } catch {
            logger.error("re-queueing jobs failed", metadata: ["sweep": "\(record.id)", "error": "\(error)"])
            throw RefusedRequest(.unavailable, error.description)
        }
        // Jobs the scheduler did not hold were counted outside it; they move in now.
        var outside = directory.countsOutsideScheduler(record.id)
        for job in outcome.jobs where !scheduler.holds(job.id) {
            if let previous = outcome.previousStatus[job.id] { outside[previous] -= 1 }
        }
        directory.add(outcome.sweep, countsOutsideScheduler: outside)
        perform(scheduler.retry(
            StoredSweep(record: outcome.sweep, jobs: outcome.jobs), reopen: request.cancelled, at: now))
        let failed = outcome.previousStatus.values.count { $0 == .failed }
        let cancelled = outcome.previousStatus.values.count { $0 == .cancelled }
        logger.info("jobs re-queued", metadata: [
            "sweep": "\(record.id)", "failed": "\(failed)", "cancelled": "\(cancelled)",
            "maxAttempts": "\(outcome.sweep.maxAttempts)",
        ])
        return .retried(.init(sweep: record.id, failed: failed, cancelled: cancelled, maxAttempts: outcome.sweep.maxAttempts))
    }

    /// Removes an ended sweep (finished or cancelled) and the jobs only it holds; an open one
    /// is refused (cancel it first), so nothing a worker runs can lose its sweep.
    private func delete(_ reference: SweepID) throws(RefusedRequest) -> ClientReply {
        let record = try resolve(reference)
        guard record.finishedAt != nil || record.cancelled else {
            throw RefusedRequest(.badRequest, "sweep \(record.id.short) ('\(record.name)') is still running; cancel it first")
        }
        let outcome: DeleteOutcome
        do {
            outcome = try store.delete(sweep: record.id)
        } catch {
            logger.error("deleting a sweep failed", metadata: ["sweep": "\(record.id)", "error": "\(error)"])
            throw RefusedRequest(.unavailable, error.description)
        }
        scheduler.forget(record.id)
        directory.remove(record.id)
        logger.info("sweep deleted", metadata: [
            "sweep": "\(record.id)", "removed": "\(outcome.jobsRemoved)", "kept": "\(outcome.jobsKept)",
        ])
        return .deleted(.init(sweep: record.id, name: record.name, jobsRemoved: outcome.jobsRemoved, jobsKept: outcome.jobsKept))
    }

    /// The live workers, sorted by id.
    private func workers() -> ClientReply {
        let infos = peers.sessions.filter { scheduler.isLive($0.key) }.sorted { $0.key < $1.key }.map { worker, session in
            ClientReply.WorkerInfo(
                worker: worker, host: session.host, pid: session.pid, slots: session.slots,
                softwareVersion: session.softwareVersion, connectedAt: session.connectedAt, lastSeen: session.lastSeen,
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
