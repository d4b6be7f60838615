import SweepModel

// MARK: Queries the event loop needs to speak the wire protocol

extension Scheduler {
    /// How many leases the worker holds now (0 for an unknown worker), in O(1): the loop turns a
    /// worker's `ready{wants, received}` into a lease window with it.
    public func leaseCount(of worker: WorkerID) -> Int { workers[worker]?.leases.count ?? 0 }

    /// The attempt numbers of `job` that went to `worker`, oldest first, leaving out the one it
    /// holds the lease for now: the attempts an `abort` to that worker must name (the scheduler's
    /// `sendAbort` names jobs; the wire names attempts). O(attempts of the job).
    public func abortableAttempts(of job: JobID, on worker: WorkerID) -> [Int] {
        guard let j = jobIndex[job] else { return [] }
        let current = jobs[j].lease.flatMap { $0.worker == worker ? $0.attempt : nil }
        var attempts: [Int] = []
        for (index, holder) in jobs[j].issuedTo.enumerated() where holder == worker && index + 1 != current {
            attempts.append(index + 1)
        }
        return attempts
    }

    /// The sum of the live workers' slots, in O(workers), for `status`.
    public var liveSlots: Int { workers.values.reduce(0) { $0 + $1.slots } }

    /// How many workers are live, for `status`.
    public var liveWorkerCount: Int { workers.count }
}
