import SweepModel

extension Scheduler {
    /// The store began a retry of the sweep (`ResultStore.beginRetry`): the sweep is open again
    /// (no longer cancelled when `reopen` is set) and stays open until `retryEnded`, while
    /// `requeued` brings its re-queued jobs back a slice at a time. `awaiting` are the jobs the
    /// retry will re-queue, by status now: `status` counts them pending from now on. `record` is
    /// the sweep as stored now; its `max_attempts` applies to the re-queued jobs. A sweep the
    /// scheduler does not hold (it had ended before a restart) is registered without jobs.
    public mutating func beginRetry(
        _ record: SweepRecord, reopen: Bool, awaiting: JobStatusCounts, at now: MonotonicInstant
    ) -> [SchedulerAction] {
        advance(to: now)
        var out = ActionBuffer()
        guard let s = sweepIndex[record.id] else {
            register(StoredSweep(record: record, jobs: [], awaitingRetry: awaiting), into: &out)
            dispatch(into: &out)
            return out.actions()
        }
        if reopen && sweeps[s].cancelled {
            sweeps[s].cancelled = false
            sweeps[s].counts[.cancelled] -= sweeps[s].unplanned
            sweeps[s].counts[.pending] += sweeps[s].unplanned
            dispatchCursor = min(dispatchCursor, s)
        }
        sweeps[s].maxAttempts = max(1, record.maxAttempts)
        sweeps[s].requeueing = true
        sweeps[s].awaitingRetry = awaiting
        sweeps[s].finished = false
        dispatch(into: &out)
        return out.actions()
    }

    /// The store re-queued these jobs of the sweep (`ResultStore.retryStep`): each is `pending`
    /// again with a fresh attempt budget, queued before the sweep's untouched jobs. A job the
    /// scheduler does not hold (final before a restart, or retired) joins the sweep. `reached`
    /// are their statuses before, which the retry no longer awaits. `open` are jobs of the slice
    /// that were pending or running already, reopened by another sweep after this one forgot
    /// them (retired while final): the sweep holds them again, so cancelling that other sweep
    /// leaves them running for this one.
    public mutating func requeued(
        _ records: [JobRecord], in sweepID: SweepID, reached: JobStatusCounts = JobStatusCounts(), open: [JobID] = [],
        at now: MonotonicInstant
    ) -> [SchedulerAction] {
        advance(to: now)
        guard let s = sweepIndex[sweepID] else { return [] }
        var out = ActionBuffer()
        for id in open {
            guard let j = jobIndex[id], !jobs[j].belongs(to: s), !jobs[j].status.isFinal else { continue }
            jobs[j].otherSweeps.append(s)
            jobs[j].maxAttempts = max(jobs[j].maxAttempts, sweeps[s].maxAttempts)
            jobs[j].timeout = Self.moreLenient(jobs[j].timeout, sweeps[s].timeout)
            sweeps[s].jobs.append(j)
            sweeps[s].counts[jobs[j].status] += 1
        }
        for status in [JobStatus.failed, .cancelled] {
            sweeps[s].awaitingRetry[status] = max(0, sweeps[s].awaitingRetry[status] - reached[status])
        }
        let maxAttempts = sweeps[s].maxAttempts
        for record in records {
            if let j = jobIndex[record.id] {
                guard jobs[j].status == .failed || jobs[j].status == .cancelled else { continue }
                jobs[j].chargedAttempts = record.chargedAttempts
                jobs[j].maxAttempts = maxAttempts
                jobs[j].lastError = nil
                // Every open sweep holding it has an unfinished job again, not only this one.
                for t in [jobs[j].primarySweep] + jobs[j].otherSweeps where t == s || !sweeps[t].cancelled {
                    sweeps[t].finished = false
                }
                setStatus(of: j, to: .pending, into: &out)
                enqueueRetry(j, in: earliestLiveSweep(of: j) ?? s)
            } else {
                let j = jobs.count
                jobs.append(makeJob(from: record, sweep: s, maxAttempts: maxAttempts, timeout: sweeps[s].timeout, into: &out))
                jobIndex[record.id] = j
                sweeps[s].jobs.append(j)
                sweeps[s].counts[jobs[j].status] += 1
                if jobs[j].status.isFinal { finalJobsHeld += 1 }
                sweeps[s].finished = false
                if jobs[j].status == .pending {
                    pendingCount += 1
                    dispatchCursor = min(dispatchCursor, s)
                }
            }
        }
        dispatch(into: &out)
        return out.actions()
    }

    /// The sweep's retry is over (every slice re-queued, or the sweep was cancelled): it
    /// finishes as soon as nothing of it is unfinished (at once if nothing came back).
    public mutating func retryEnded(_ sweepID: SweepID, at now: MonotonicInstant) -> [SchedulerAction] {
        advance(to: now)
        guard let s = sweepIndex[sweepID], sweeps[s].requeueing else { return [] }
        var out = ActionBuffer()
        sweeps[s].requeueing = false
        sweeps[s].awaitingRetry = JobStatusCounts()
        finishIfDone(s, into: &out)
        return out.actions()
    }

    /// A whole retry in one call (`beginRetry`, `requeued`, `retryEnded`), for a retry the store
    /// did in one go (`ResultStore.retry`).
    public mutating func retry(_ stored: StoredSweep, reopen: Bool, at now: MonotonicInstant) -> [SchedulerAction] {
        beginRetry(stored.record, reopen: reopen, awaiting: JobStatusCounts(), at: now)
            + requeued(stored.jobs, in: stored.record.id, at: now)
            + retryEnded(stored.record.id, at: now)
    }
}

extension Scheduler {
    /// Whether the scheduler holds `job` in memory (a restarted one holds only open jobs).
    public func holds(_ job: JobID) -> Bool { jobIndex[job] != nil }

    /// The sweeps a retry is still re-queueing, in submission order (what a restarted loop
    /// carries on).
    public var requeueingSweeps: [SweepID] { sweeps.filter(\.requeueing).map(\.id) }

    /// Whether the scheduler holds `job` as one of `sweep`'s jobs.
    public func holds(_ job: JobID, in sweep: SweepID) -> Bool {
        guard let j = jobIndex[job], let s = sweepIndex[sweep] else { return false }
        return jobs[j].belongs(to: s)
    }
}

extension Scheduler {
    /// The store deleted an ended sweep: the scheduler forgets it and the jobs only it held, so a
    /// later submission of the same sweep or jobs starts afresh. Jobs another sweep shares stay
    /// with that sweep. The sweep's slot stays as an empty, finished tombstone (indices are stable).
    public mutating func forget(_ sweepID: SweepID) {
        guard let s = sweepIndex.removeValue(forKey: sweepID) else { return }
        for j in sweeps[s].jobs {
            if jobs[j].primarySweep == s {
                if jobs[j].otherSweeps.isEmpty {
                    if jobs[j].status == .pending { pendingCount -= 1 }
                    jobIndex.removeValue(forKey: jobs[j].id)
                } else {
                    jobs[j].primarySweep = jobs[j].otherSweeps.removeFirst()
                }
            } else {
                jobs[j].otherSweeps.removeAll { $0 == s }
            }
        }
        sweeps[s].jobs = []
        sweeps[s].head = 0
        sweeps[s].retries = []
        sweeps[s].retryHead = 0
        sweeps[s].counts = JobStatusCounts()
        sweeps[s].jobCount = 0
        sweeps[s].nextPlanPosition = 0
        sweeps[s].cancelled = true
        sweeps[s].finished = true
    }
}
