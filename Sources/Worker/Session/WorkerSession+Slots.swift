import SweepWire

// MARK: Slots

extension WorkerSession {
    /// A slot is free again: the attempt no longer runs, its duration joins the average.
    mutating func finish(_ attempt: JobAttempt, slot: Int) {
        running[attempt] = nil
        if let start = startedAt.removeValue(forKey: attempt) {
            let elapsed = now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            averageJobSeconds = averageJobSeconds.map { $0 + (seconds - $0) / 16 } ?? seconds
        }
        idleSlots.append(slot)
        readyDue = true
        lastBusy = now
    }

    /// Hands queued jobs to idle slots, oldest job first.
    mutating func dispatchJobs(into out: inout [WorkerSessionAction]) {
        while !idleSlots.isEmpty, !queue.isEmpty {
            let job = queue.removeFirst()
            let slot = idleSlots.removeLast()
            out.append(.run(job, slot: slot))
            running[job.jobAttempt] = slot
            lastBusy = now
            startedAt[job.jobAttempt] = now
        }
    }

    /// Asks the slot running `attempt` (if any) to abort it.
    func abortRunning(_ attempt: JobAttempt, into out: inout [WorkerSessionAction]) {
        guard let slot = running[attempt] else { return }
        out.append(.abort(attempt, slot: slot))
    }
}
