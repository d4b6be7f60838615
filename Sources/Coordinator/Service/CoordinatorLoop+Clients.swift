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
            case .results(let results): reply = try self.results(results)
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
            "sweep": "\(id)", "name": "\(spec.name)", "jobs": "\(planned.count)", "done": "\(counts.completed)",
            "shared": "\(outcome.sharedJobs)",
        ])
        return .submitted(.init(
            sweep: id, name: spec.name, totalJobs: planned.count, alreadyDone: counts.completed,
            resubmitted: outcome.alreadySubmitted))
    }

    /// Progress of one sweep or of all, from memory (never the store), so it answers at once.
    private func status(of reference: SweepID?) throws(RefusedRequest) -> ClientReply {
        let records = try reference.map { reference throws(RefusedRequest) in [try resolve(reference)] } ?? directory.records
        var total = 0.0
        let sweeps = records.map { record in
            let status = sweepStatus(record)
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
            etaSeconds: finished ? 0 : progress?.estimatedSecondsRemaining(at: now))
    }

    /// Stops handing out the sweep's jobs and aborts its running ones.
    private func cancel(_ reference: SweepID) throws(RefusedRequest) -> ClientReply {
        let record = try resolve(reference)
        guard record.finishedAt == nil, !record.cancelled else {
            return .cancelled(.init(sweep: record.id, jobsCancelled: 0))
        }
        let actions = scheduler.cancel(record.id, at: now)
        var cancelled = 0
        for case .persistCancelled(let sweep, let jobs) in actions where sweep == record.id { cancelled += jobs.count }
        logger.info("sweep cancelled", metadata: ["sweep": "\(record.id)", "jobs": "\(cancelled)"])
        perform(actions)
        return .cancelled(.init(sweep: record.id, jobsCancelled: cancelled))
    }

    /// The live workers, sorted by id.
    private func workers() -> ClientReply {
        let infos = peers.sessions.filter { scheduler.isLive($0.key) }.sorted { $0.key < $1.key }.map { worker, session in
            ClientReply.WorkerInfo(
                worker: worker, host: session.host, pid: session.pid, slots: session.slots,
                softwareVersion: session.softwareVersion, connectedAt: session.connectedAt, lastSeen: session.lastSeen,
                running: scheduler.leaseCount(of: worker), completed: session.completed)
        }
        return .workers(.init(infos))
    }

    /// The sweep record and its job records as committed, for report files at any moment.
    private func report(of reference: SweepID) throws(RefusedRequest) -> ClientReply {
        let record = try resolve(reference)
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
