import SweepModel
import SweepStore

// MARK: Results, failures, hand-backs

extension Scheduler {
    /// Applies a known worker's reports and acknowledges every result and failure after its
    /// persistence (recorded, duplicate or rejected alike: the worker may forget it).
    mutating func handle(_ reports: [WorkerReport], from worker: WorkerID, into out: inout ActionBuffer) {
        guard !reports.isEmpty else { return }
        var acked: [JobID] = []
        acked.reserveCapacity(reports.count)
        for report in reports {
            switch report {
            case .completed(let completed):
                acceptResult(completed.job, attempt: completed.attempt, result: completed.result, from: worker, into: &out)
                acked.append(completed.job)
            case .failed(let failed):
                acceptFailure(failed.job, attempt: failed.attempt, error: String(failed.error.prefix(configuration.maxErrorLength)),
                    from: worker, into: &out)
                acked.append(failed.job)
            case .released(let released):
                let (job, attempt) = (released.job, released.attempt)
                guard let j = jobIndex[job], let lease = jobs[j].lease, lease.worker == worker,
                    lease.attempt == attempt
                else { continue }
                endLease(of: j, outcome: .released, error: "handed back by worker \(worker)", into: &out)
                settleUnsuccessfulAttempt(of: j, charged: false, error: nil, into: &out)
            }
        }
        out.ack(acked, to: worker)
    }

    /// Checks that `attempt` of `job` was issued to `worker`; logs a rejection otherwise.
    private func issuedJob(
        _ job: JobID, attempt: Int, to worker: WorkerID, into out: inout ActionBuffer
    ) -> Int? {
        guard let j = jobIndex[job] else {
            out.log(.logRejected(worker: worker, job: job, attempt: attempt, reason: .unknownJob))
            return nil
        }
        guard jobs[j].wasIssued(attempt, to: worker) else {
            out.log(.logRejected(worker: worker, job: job, attempt: attempt, reason: .attemptNotIssuedToWorker))
            return nil
        }
        return j
    }

    /// Records a result once: from the current lease, or late from an earlier attempt of the
    /// same worker while the job is not final (the competing attempt is then aborted).
    private mutating func acceptResult(
        _ job: JobID, attempt: Int, result: JobResult, from worker: WorkerID, into out: inout ActionBuffer
    ) {
        guard let j = issuedJob(job, attempt: attempt, to: worker, into: &out) else { return }
        guard result.status.isCompleted else {
            out.log(.logRejected(worker: worker, job: job, attempt: attempt, reason: .invalidResultStatus(result.status)))
            return
        }
        let status = jobs[j].status
        if status.isCompleted {
            out.log(.logDuplicate(worker: worker, job: job, attempt: attempt))
            return
        }
        if status.isFinal {
            out.log(.logRejected(worker: worker, job: job, attempt: attempt, reason: .jobAlreadyFinal(status)))
            return
        }
        out.persist(.resultRecorded(job: job, attempt: attempt, result: result))
        if let lease = removeLease(of: j), lease.worker != worker || lease.attempt != attempt {
            out.persist(.attemptEnded(
                job: job, number: lease.attempt, outcome: .released,
                error: "superseded by the result of attempt \(attempt)"))
            if workers[lease.worker] != nil { out.abort(job, on: lease.worker) }
        }
        setStatus(of: j, to: result.status, into: &out)
    }

    /// Records a failed attempt if it is the current lease; at `max_attempts` the job fails.
    private mutating func acceptFailure(
        _ job: JobID, attempt: Int, error: String, from worker: WorkerID, into out: inout ActionBuffer
    ) {
        guard let j = issuedJob(job, attempt: attempt, to: worker, into: &out) else { return }
        let status = jobs[j].status
        if status.isFinal {
            out.log(.logRejected(worker: worker, job: job, attempt: attempt, reason: .jobAlreadyFinal(status)))
            return
        }
        guard let lease = jobs[j].lease, lease.worker == worker, lease.attempt == attempt else {
            out.log(.logRejected(worker: worker, job: job, attempt: attempt, reason: .attemptAlreadyEnded))
            return
        }
        endLease(of: j, outcome: .error, error: error, into: &out)
        settleUnsuccessfulAttempt(of: j, charged: true, error: error, into: &out)
    }
}
