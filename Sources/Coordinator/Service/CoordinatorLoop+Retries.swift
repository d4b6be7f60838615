import Foundation
import Logging
import SweepModel
import SweepStore
import SweepWire

extension CoordinatorLoop {
    /// Re-queues the oldest retries' jobs, a slice (`retrySlice` plan positions) per transaction,
    /// while the planning window has room for a slice and until `deadline` (at least one slice
    /// per call, so a retry moves even behind a deletion). Returns whether a slice could run now.
    func advanceRetries(until deadline: ContinuousClock.Instant) -> Bool {
        let slice = configuration.retrySlice
        var first = true
        while let sweep = retries.first, scheduler.requeueRoom >= slice, first || ContinuousClock.now < deadline {
            first = false
            let step: RetrySlice
            do {
                step = try store.retryStep(sweep: sweep, rows: slice)
            } catch {
                // The retry stays recorded in the file: the next coordinator on it carries it on.
                retries.removeFirst()
                logger.error("re-queueing jobs failed; a restart on this state file carries the retry on", metadata: [
                    "sweep": "\(sweep)", "error": "\(error)",
                ])
                continue
            }
            // Jobs the scheduler did not hold were counted outside it; they move in now. So do
            // open jobs the sweep had forgotten while they were final (another sweep reopened
            // them): retired cancelled or failed, the sweep's own cancellation being the likely one.
            var reached = JobStatusCounts()
            for status in step.previousStatus.values { reached[status] += 1 }
            let relinked = step.openJobs.filter { scheduler.holds($0) && !scheduler.holds($0, in: sweep) }
            if let record = directory.record(sweep) {
                var outside = directory.countsOutsideScheduler(sweep)
                for job in step.jobs where !scheduler.holds(job.id) {
                    if let previous = step.previousStatus[job.id] { outside[previous] -= 1 }
                }
                for _ in relinked {
                    if outside[.cancelled] > 0 { outside[.cancelled] -= 1 } else if outside[.failed] > 0 { outside[.failed] -= 1 }
                }
                directory.add(record, countsOutsideScheduler: outside)
            }
            perform(scheduler.requeued(step.jobs, in: sweep, reached: reached, open: relinked, at: now))
            guard step.done else { continue }
            retries.removeFirst()
            perform(scheduler.retryEnded(sweep, at: now))
            logger.info("retry done: every job re-queued", metadata: ["sweep": "\(sweep)"])
        }
        return !retries.isEmpty && scheduler.requeueRoom >= slice
    }

    /// The sweep was cancelled while a retry re-queued its jobs: the retry stops where it is (the
    /// jobs it re-queued are cancelled with the sweep; the others keep their status).
    func stopRetry(of sweep: SweepID) {
        guard let position = retries.firstIndex(of: sweep) else { return }
        retries.remove(at: position)
        do {
            try store.endRetry(sweep: sweep)
        } catch {
            logger.error("ending a retry failed", metadata: ["sweep": "\(sweep)", "error": "\(error)"])
        }
        logger.info("retry stopped: the sweep was cancelled", metadata: ["sweep": "\(sweep)"])
    }
}
