import SweepModel

// MARK: Time passing

extension Scheduler {
    /// Time passes: at most every `housekeepingPeriod`, forgets workers silent for the liveness
    /// timeout (their leases expire), expires provisional leases past their grace and leases past
    /// the job timeout (the worker is told to abort), queues those jobs again or fails them at
    /// `max_attempts`, hands them out, and heartbeats workers that were sent nothing for an interval.
    public mutating func tick(_ now: MonotonicInstant) -> [SchedulerAction] {
        advance(to: now)
        if let last = lastHousekeeping, self.now < last + configuration.housekeepingPeriod { return [] }
        lastHousekeeping = self.now
        var out = ActionBuffer()
        expireSilentWorkers(into: &out)
        expireProvisionalLeases(into: &out)
        expireTimedOutLeases(into: &out)
        dispatch(into: &out)
        sendHeartbeats(into: &out)
        reconnectRequested = reconnectRequested.filter { self.now < $0.value + configuration.heartbeatInterval }
        sampleRates()
        retireFinalJobsIfDue()
        return out.actions()
    }

    private mutating func expireSilentWorkers(into out: inout ActionBuffer) {
        let timeout = configuration.livenessTimeout
        let dead = workers.filter { now.duration(since: $0.value.lastHeard) > timeout }.keys.sorted()
        for worker in dead {
            guard let w = workers.removeValue(forKey: worker) else { continue }
            out.log(.logWorkerDead(worker: worker))
            let reason = "worker \(worker) missed \(configuration.missedHeartbeatsBeforeDead) heartbeats"
            for j in w.leases.sorted() { expire(j, reason: reason, into: &out) }
        }
    }

    private mutating func expireProvisionalLeases(into out: inout ActionBuffer) {
        let overdue = provisional.filter { now >= $0.value.deadline }.keys.sorted()
        for worker in overdue {
            guard let holder = provisional[worker] else { continue }
            let reason = "worker \(worker) did not come back after the coordinator restarted"
            for j in holder.jobs.sorted() { expire(j, reason: reason, into: &out) }
            provisional[worker] = nil
        }
    }

    private mutating func expireTimedOutLeases(into out: inout ActionBuffer) {
        var overdue: [Int] = []
        for (_, w) in workers {
            for j in w.leases {
                if let deadline = jobs[j].lease?.deadline, now >= deadline { overdue.append(j) }
            }
        }
        for j in overdue.sorted() {
            guard let lease = jobs[j].lease else { continue }
            let seconds = jobs[j].timeout.map { "\($0.seconds)" } ?? "?"
            expire(j, reason: "job timeout after \(seconds) s", into: &out)
            if workers[lease.worker] != nil { out.abort(jobs[j].id, on: lease.worker) }
        }
    }

    /// Ends a lease as `expired` (charged), then fails or queues the job.
    private mutating func expire(_ j: Int, reason: String, into out: inout ActionBuffer) {
        guard let lease = jobs[j].lease else { return }
        out.log(.logLeaseExpired(worker: lease.worker, job: jobs[j].id, attempt: lease.attempt, reason: reason))
        endLease(of: j, outcome: .expired, error: reason, into: &out)
        settleUnsuccessfulAttempt(of: j, charged: true, error: reason, into: &out)
    }

    private mutating func sendHeartbeats(into out: inout ActionBuffer) {
        let interval = configuration.heartbeatInterval
        let quiet = workers.filter { now >= $0.value.lastSent + interval && !out.hasMessages(for: $0.key) }
        for worker in quiet.keys.sorted() {
            workers[worker]?.lastSent = now
            out.message(.sendHeartbeat(worker: worker))
        }
    }

    /// Records each unfinished sweep's final count about once a second, keeping a rate window.
    private mutating func sampleRates() {
        if let last = lastRateSample, now < last + .seconds(1) { return }
        lastRateSample = now
        for s in sweeps.indices where !sweeps[s].finished {
            sweeps[s].rateSamples.append(RateSample(at: now, finalJobs: sweeps[s].finalEvents))
            let horizon = configuration.rateWindow
            while sweeps[s].rateSamples.count > 2, let first = sweeps[s].rateSamples.first,
                now.duration(since: first.at) > horizon
            {
                sweeps[s].rateSamples.removeFirst()
            }
        }
    }
}
