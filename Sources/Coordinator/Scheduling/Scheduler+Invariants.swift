import SweepModel

// MARK: Self-check (tests, debugging)

extension Scheduler {
    /// Every broken internal invariant, described; empty when all hold. O(jobs + queues): for
    /// tests and debugging, never on the hot path.
    public func invariantViolations() -> [String] {
        var problems: [String] = []
        var pending = 0
        var leasedBy: [Int: WorkerID] = [:]
        for (id, w) in workers {
            if provisional[id] != nil { problems.append("worker \(id) is both live and provisional") }
            for j in w.leases {
                if let other = leasedBy[j] { problems.append("job \(jobs[j].id.short) leased to \(other) and \(id)") }
                leasedBy[j] = id
                if jobs[j].lease?.worker != id || jobs[j].lease?.provisional == true {
                    problems.append("worker \(id) lists job \(jobs[j].id.short) whose lease is \(String(describing: jobs[j].lease))")
                }
            }
        }
        for (id, holder) in provisional {
            for j in holder.jobs {
                if let other = leasedBy[j] { problems.append("job \(jobs[j].id.short) leased to \(other) and \(id)") }
                leasedBy[j] = id
                if jobs[j].lease?.worker != id || jobs[j].lease?.provisional != true {
                    problems.append("provisional holder \(id) lists job \(jobs[j].id.short) with lease \(String(describing: jobs[j].lease))")
                }
            }
        }
        for j in jobs.indices {
            let job = jobs[j]
            if (job.status == .running) != (job.lease != nil) {
                problems.append("job \(job.id.short) is \(job.status.rawValue) with lease \(String(describing: job.lease))")
            }
            if let lease = job.lease {
                if leasedBy[j] != lease.worker { problems.append("job \(job.id.short) lease holder \(lease.worker) does not list it") }
                if lease.attempt != job.attemptsIssued { problems.append("job \(job.id.short) lease is attempt \(lease.attempt) of \(job.attemptsIssued)") }
                if !job.wasIssued(lease.attempt, to: lease.worker) { problems.append("job \(job.id.short) lease attempt not in history") }
            }
            if job.chargedAttempts > job.maxAttempts {
                problems.append("job \(job.id.short) charged \(job.chargedAttempts) > max \(job.maxAttempts)")
            }
            if job.status == .pending {
                pending += 1
                let reachable = ([job.primarySweep] + job.otherSweeps).contains { s in
                    !sweeps[s].cancelled && sweeps[s].queues(j)
                }
                if !reachable { problems.append("pending job \(job.id.short) is in no live queue") }
            }
        }
        if pending != pendingCount { problems.append("pendingCount \(pendingCount) but \(pending) pending") }
        let final = jobs.count { $0.status.isFinal }
        if final != finalJobsHeld { problems.append("finalJobsHeld \(finalJobsHeld) but \(final) final") }
        for s in sweeps.indices {
            var counts = JobStatusCounts()
            for j in sweeps[s].jobs { counts[jobs[j].status] += 1 }
            counts[sweeps[s].cancelled ? .cancelled : .pending] += sweeps[s].unplanned
            if sweeps[s].nextPlanPosition > sweeps[s].jobCount {
                problems.append("sweep \(sweeps[s].id.short) planned past its plan")
            }
            if counts != sweeps[s].counts { problems.append("sweep \(sweeps[s].id.short) counts \(sweeps[s].counts) but \(counts)") }
            if sweeps[s].requeueing && sweeps[s].finished {
                problems.append("sweep \(sweeps[s].id.short) finished while a retry re-queues its jobs")
            }
            if !sweeps[s].cancelled && !sweeps[s].requeueing && sweeps[s].finished != (counts.unfinished == 0) {
                problems.append("sweep \(sweeps[s].id.short) finished=\(sweeps[s].finished) with \(counts.unfinished) unfinished")
            }
        }
        return problems
    }
}
