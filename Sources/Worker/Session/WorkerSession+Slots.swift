import SweepModel
import SweepWire

// MARK: Slots

extension WorkerSession {
    /// An attempt on `slot` ended; the slot is free again once everything handed to it has, and
    /// the attempt's duration joins the average (timed from the slot's previous event, so jobs
    /// handed over together are not charged each other's time).
    mutating func finish(_ attempt: JobAttempt, slot: Int) {
        running[attempt] = nil
        startedAt[attempt] = nil
        if slotBusySince.indices.contains(slot), let start = slotBusySince[slot] {
            let seconds = (now - start).seconds
            averageJobSeconds = averageJobSeconds.map { $0 + (seconds - $0) / 16 } ?? seconds
            slotBusySince[slot] = now
        }
        if slotLoad.indices.contains(slot), slotLoad[slot] > 1 {
            slotLoad[slot] -= 1
        } else {
            if slotLoad.indices.contains(slot) { slotLoad[slot] = 0 }
            if slotBusySince.indices.contains(slot) { slotBusySince[slot] = nil }
            idleSlots.append(slot)
        }
        readyDue = true
        lastBusy = now
    }

    /// Hands queued jobs to idle slots, oldest job first: one per slot, or while jobs are tiny
    /// (`tinyJobSeconds`) an even share of the queue, up to `tinyJobSlotBatch` per slot, so a
    /// slot runs them back to back and answers once instead of waiting for the socket thread
    /// between jobs (docs/COORDINATOR.md, "Batched dispatch").
    mutating func dispatchJobs(into out: inout [WorkerSessionAction]) {
        let tiny = averageJobSeconds.map { $0 < configuration.tinyJobSeconds } ?? false
        let batch = tiny ? max(1, configuration.tinyJobSlotBatch) : 1
        while !idleSlots.isEmpty, !queue.isEmpty {
            let slot = idleSlots.removeLast()
            let share = min(batch, queue.count, max(1, (queue.count + idleSlots.count) / (idleSlots.count + 1)))
            for job in queue.prefix(share) {
                out.append(.run(job, slot: slot))
                running[job.jobAttempt] = slot
                startedAt[job.jobAttempt] = now
            }
            queue.removeFirst(share)
            slotLoad[slot] = share
            slotBusySince[slot] = now
            lastBusy = now
        }
    }

    /// Asks the slot running `attempt` (if any) to abort it.
    func abortRunning(_ attempt: JobAttempt, into out: inout [WorkerSessionAction]) {
        guard let slot = running[attempt] else { return }
        out.append(.abort(attempt, slot: slot))
    }
}
