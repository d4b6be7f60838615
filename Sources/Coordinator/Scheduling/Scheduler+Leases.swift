import SweepModel
import SweepStore

// MARK: Leases, statuses and the queue

extension Scheduler {
    /// Changes a job's status and keeps every count that depends on it; emits
    /// `sweepFinished` for a sweep whose last unfinished job this was.
    mutating func setStatus(of j: Int, to status: JobStatus, into out: inout ActionBuffer) {
        let old = jobs[j].status
        guard old != status else { return }
        jobs[j].status = status
        if old.isFinal { finalJobsHeld -= 1 }
        if status.isFinal { finalJobsHeld += 1 }
        if old == .pending { pendingCount -= 1 }
        if status == .pending { pendingCount += 1 }
        updateSweep(jobs[j].primarySweep, from: old, to: status, into: &out)
        for s in jobs[j].otherSweeps {
            updateSweep(s, from: old, to: status, into: &out)
        }
    }

    private mutating func updateSweep(_ s: Int, from old: JobStatus, to status: JobStatus, into out: inout ActionBuffer) {
        sweeps[s].counts[old] -= 1
        sweeps[s].counts[status] += 1
        guard status.isFinal else { return }
        sweeps[s].lastFinalAt = now
        sweeps[s].finalEvents += 1
        finishIfDone(s, into: &out)
    }

    /// The first sweep (in submission order) containing the job that is not cancelled.
    func earliestLiveSweep(of j: Int) -> Int? {
        if !sweeps[jobs[j].primarySweep].cancelled { return jobs[j].primarySweep }
        return jobs[j].otherSweeps.first { !sweeps[$0].cancelled }
    }

    /// Puts a job at the front of a sweep's queue (retries go before untouched jobs).
    mutating func enqueueRetry(_ j: Int, in s: Int) {
        sweeps[s].pushRetry(j)
        dispatchCursor = min(dispatchCursor, s)
    }

    /// Leases a pending job to a worker as its next attempt.
    mutating func startAttempt(of j: Int, on worker: WorkerID, into out: inout ActionBuffer) -> JobAssignment {
        let attempt = jobs[j].attemptsIssued + 1
        jobs[j].issuedTo.append(worker)
        jobs[j].lease = Lease(
            worker: worker, attempt: attempt, startedAt: now, deadline: jobs[j].timeout.map { now + $0 },
            running: false, provisional: false)
        setStatus(of: j, to: .running, into: &out)
        workers[worker]?.leases.insert(j)
        let s = jobs[j].primarySweep
        if sweeps[s].firstAssignedAt == nil { sweeps[s].firstAssignedAt = now }
        for other in jobs[j].otherSweeps where sweeps[other].firstAssignedAt == nil {
            sweeps[other].firstAssignedAt = now
        }
        out.persist(.attemptStarted(job: jobs[j].id, number: attempt, worker: worker))
        return JobAssignment(job: jobs[j].id, attempt: attempt, parameters: jobs[j].parameters, timeout: jobs[j].timeout)
    }

    /// Removes the job's lease from its holder (live worker or provisional); no persistence.
    /// The job's status is left for the caller to set.
    @discardableResult
    mutating func removeLease(of j: Int) -> Lease? {
        guard let lease = jobs[j].lease else { return nil }
        jobs[j].lease = nil
        if lease.provisional {
            provisional[lease.worker]?.jobs.remove(j)
            if provisional[lease.worker]?.jobs.isEmpty == true { provisional[lease.worker] = nil }
        } else if workers[lease.worker] != nil {
            workers[lease.worker]?.leases.remove(j)
            markWantsWork(lease.worker)
        }
        return lease
    }

    /// Ends the current lease without a result and persists how it ended.
    mutating func endLease(
        of j: Int, outcome: AttemptRecord.Outcome, error: String?, into out: inout ActionBuffer
    ) {
        guard let lease = removeLease(of: j) else { return }
        out.persist(.attemptEnded(job: jobs[j].id, number: lease.attempt, outcome: outcome, error: error))
    }

    /// After an attempt ended without a result: charge it (errors and expiries), then fail the job
    /// at `max_attempts` or queue it again.
    ///
    /// A released attempt (handed back, or lost in transit and missing from a hello) is free, but
    /// only `maxFreeReleases` times per job: past that every release is charged, so no worker that
    /// keeps reconnecting or handing jobs back can push a job's attempt numbers up for ever.
    mutating func settleUnsuccessfulAttempt(of j: Int, charged: Bool, error: String?, into out: inout ActionBuffer) {
        var charged = charged
        var error = error
        if !charged {
            jobs[j].freeReleases += 1
            if jobs[j].freeReleases > configuration.maxFreeReleases {
                charged = true
                error = "released \(jobs[j].freeReleases) times without a result (workers kept losing or handing back the job)"
            }
        }
        if charged {
            jobs[j].chargedAttempts += 1
            if let error { jobs[j].lastError = error }
        }
        if jobs[j].chargedAttempts >= jobs[j].maxAttempts {
            setStatus(of: j, to: .failed, into: &out)
            out.persist(.jobFailed(
                job: jobs[j].id, error: jobs[j].lastError ?? "max_attempts (\(jobs[j].maxAttempts)) reached"))
        } else if let live = earliestLiveSweep(of: j) {
            setStatus(of: j, to: .pending, into: &out)
            enqueueRetry(j, in: live)  // the store requeued it with the attempt's end
        } else {
            setStatus(of: j, to: .cancelled, into: &out)
            out.persist(.jobsCancelled([jobs[j].id]))  // its sweeps were cancelled (flagged) before
        }
    }

    /// Queues a worker for jobs if it has room and is not queued already.
    mutating func markWantsWork(_ worker: WorkerID) {
        guard let w = workers[worker], !w.queuedForWork,
            w.leases.count < w.window(prefetch: configuration.prefetchPerWorker, maxPrefetch: configuration.maxPrefetchPerWorker)
        else { return }
        workers[worker]?.queuedForWork = true
        workQueue.append(worker)
    }

    /// Fills the queued workers' free room with pending jobs, sweeps in submission order.
    mutating func dispatch(into out: inout ActionBuffer) {
        while pendingCount > 0 && workQueueHead < workQueue.count {
            let worker = workQueue[workQueueHead]
            guard let w = workers[worker], w.queuedForWork else {
                workQueueHead += 1
                continue
            }
            var room = w.window(prefetch: configuration.prefetchPerWorker, maxPrefetch: configuration.maxPrefetchPerWorker) - w.leases.count
            var batch: [JobAssignment] = []
            while room > 0, let j = nextPendingJob() {
                batch.append(startAttempt(of: j, on: worker, into: &out))
                room -= 1
            }
            out.assign(batch, to: worker)
            if !batch.isEmpty { workers[worker]?.lastSent = now }
            if room > 0 { break }  // the queue ran dry; the worker keeps its place
            workers[worker]?.queuedForWork = false
            workQueueHead += 1
        }
        if workQueueHead > 64 && workQueueHead * 2 > workQueue.count {
            workQueue.removeFirst(workQueueHead)
            workQueueHead = 0
        }
    }

    /// Pops the next pending job from the first live sweep that has one, skipping stale entries.
    mutating func nextPendingJob() -> Int? {
        var s = dispatchCursor
        while s < sweeps.count {
            if !sweeps[s].cancelled {
                while let j = sweeps[s].popQueued() {
                    if jobs[j].status == .pending { return j }
                }
            }
            if s == dispatchCursor { dispatchCursor += 1 }
            s += 1
        }
        return nil
    }
}
