import SweepModel

// MARK: Forgetting final jobs

extension Scheduler {
    /// Forgets final jobs once at least `retireFinalJobsAfter` of them are held, as a restarted
    /// scheduler would never have loaded them: memory then stays about the planning window plus
    /// the running jobs, however long the sweep. Their counts leave the sweeps' counts and wait
    /// in `takeRetiredCounts()` for the caller (the coordinator keeps them in its sweep
    /// directory, where a restart puts them too). A report or a retry about such a job later
    /// comes from the store, as after a restart: a late result is rejected as for an unknown
    /// job (the store already holds the job's outcome), and `retry` brings it back as a job the
    /// scheduler does not hold.
    ///
    /// Runs in O(jobs held) once per `retireFinalJobsAfter` final jobs: amortised O(1) per job.
    mutating func retireFinalJobsIfDue() {
        guard finalJobsHeld >= max(1, configuration.retireFinalJobsAfter), finalJobsHeld * 2 >= jobs.count else { return }
        var newIndex = [Int](repeating: -1, count: jobs.count)
        // Compacted in place: kept jobs move down by swapping (no copy, so no retain and release
        // of each job's fields); positions from `j` on still hold the jobs not yet visited.
        var kept = 0
        for j in jobs.indices {
            if jobIndex[jobs[j].id] != j {
                continue  // left behind by `forget` (a deleted sweep): dropped, counted nowhere
            }
            if jobs[j].status.isFinal && jobs[j].lease == nil {
                let status = jobs[j].status
                // The primary sweep apart: no array is built per job (this runs for every job).
                retire(status, from: jobs[j].primarySweep)
                for s in jobs[j].otherSweeps { retire(status, from: s) }
                jobIndex[jobs[j].id] = nil
            } else {
                newIndex[j] = kept
                if kept != j {
                    jobs.swapAt(kept, j)
                    jobIndex[jobs[kept].id] = kept
                }
                kept += 1
            }
        }
        jobs.removeLast(jobs.count - kept)
        for s in sweeps.indices {
            sweeps[s].head = sweeps[s].jobs[..<sweeps[s].head].count { newIndex[$0] >= 0 }
            sweeps[s].jobs = sweeps[s].jobs.compactMap { newIndex[$0] >= 0 ? newIndex[$0] : nil }
            sweeps[s].retryHead = sweeps[s].retries[..<sweeps[s].retryHead].count { newIndex[$0] >= 0 }
            sweeps[s].retries = sweeps[s].retries.compactMap { newIndex[$0] >= 0 ? newIndex[$0] : nil }
        }
        // Leased jobs are never retired, so every lease maps to a kept job.
        for (worker, held) in workers {
            workers[worker]?.leases = Set(held.leases.compactMap { newIndex[$0] >= 0 ? newIndex[$0] : nil })
        }
        for (worker, holder) in provisional {
            provisional[worker]?.jobs = Set(holder.jobs.compactMap { newIndex[$0] >= 0 ? newIndex[$0] : nil })
        }
        finalJobsHeld = jobs.count { $0.status.isFinal }
    }

    /// Moves one retired job's count out of sweep `s`'s counts.
    private mutating func retire(_ status: JobStatus, from s: Int) {
        sweeps[s].counts[status] -= 1
        retiredCounts[s, default: JobStatusCounts()][status] += 1
    }

    /// Counts of the jobs forgotten since the last call, per sweep (see `retireFinalJobsIfDue`).
    public mutating func takeRetiredCounts() -> [(sweep: SweepID, counts: JobStatusCounts)] {
        guard !retiredCounts.isEmpty else { return [] }
        defer { retiredCounts = [:] }
        return retiredCounts.keys.sorted().map { (sweeps[$0].id, retiredCounts[$0] ?? JobStatusCounts()) }
    }
}
