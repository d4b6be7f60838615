import SweepModel

extension Scheduler {
    /// The store re-queued these jobs of a sweep (`ResultStore.retry`): the scheduler takes them
    /// back, each `pending` with a fresh attempt budget, queued before the sweep's untouched jobs.
    ///
    /// `stored.record` is the sweep as stored now (its `max_attempts` applies to these jobs) and
    /// `stored.jobs` the re-queued jobs. A sweep the scheduler does not hold (it had finished
    /// before a restart) is registered with just those jobs; a job it does not hold (final before
    /// a restart) joins its sweep. The sweep is open again, and no longer cancelled when
    /// `reopen` is set.
    public mutating func retry(_ stored: StoredSweep, reopen: Bool, at now: MonotonicInstant) -> [SchedulerAction] {
        advance(to: now)
        var out = ActionBuffer()
        guard let s = sweepIndex[stored.record.id] else {
            register(stored, into: &out)
            dispatch(into: &out)
            return out.actions()
        }
        if reopen && sweeps[s].cancelled {
            sweeps[s].cancelled = false
            sweeps[s].counts[.cancelled] -= sweeps[s].unplanned
            sweeps[s].counts[.pending] += sweeps[s].unplanned
            if sweeps[s].unplanned > 0 { sweeps[s].finished = false }
        }
        let maxAttempts = max(1, stored.record.maxAttempts)
        sweeps[s].maxAttempts = maxAttempts
        for record in stored.jobs {
            if let j = jobIndex[record.id] {
                guard jobs[j].status == .failed || jobs[j].status == .cancelled else { continue }
                jobs[j].chargedAttempts = record.chargedAttempts
                jobs[j].maxAttempts = maxAttempts
                jobs[j].lastError = nil
                sweeps[s].finished = false
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
}

extension Scheduler {
    /// Whether the scheduler holds `job` in memory (a restarted one holds only open jobs).
    public func holds(_ job: JobID) -> Bool { jobIndex[job] != nil }
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
