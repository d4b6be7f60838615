import Foundation
import Logging
import SweepModel
import SweepStore
import SweepWire

extension CoordinatorLoop {
    /// Re-queues the oldest retries' jobs, a slice (`retrySlice` plan positions) per transaction,
    /// until `deadline` (at least one slice per call, so a retry moves even behind a deletion);
    /// answers each `retry` when its last slice is done. Returns whether retry work is left.
    func advanceRetries(until deadline: ContinuousClock.Instant) -> Bool {
        var first = true
        while !retries.isEmpty, first || ContinuousClock.now < deadline {
            first = false
            let sweep = retries[0].sweep
            let slice: RetrySlice
            do {
                slice = try store.retryStep(sweep: sweep, rows: configuration.retrySlice)
            } catch {
                // The retry stays recorded in the file: the next coordinator on it resumes.
                let retry = retries.removeFirst()
                logger.error("re-queueing jobs failed; a restart on this state file resumes it", metadata: [
                    "sweep": "\(sweep)", "error": "\(error)",
                ])
                if let reply = retry.reply {
                    outbox.reply(
                        .error(.init(code: .unavailable, message: error.description)), to: reply.route, requestID: reply.requestID)
                }
                continue
            }
            // Jobs the scheduler did not hold were counted outside it; they move in now.
            if let record = directory.record(sweep) {
                var outside = directory.countsOutsideScheduler(sweep)
                for job in slice.jobs where !scheduler.holds(job.id) {
                    if let previous = slice.previousStatus[job.id] { outside[previous] -= 1 }
                }
                directory.add(record, countsOutsideScheduler: outside)
            }
            retries[0].failed += slice.previousStatus.values.count { $0 == .failed }
            retries[0].cancelled += slice.previousStatus.values.count { $0 == .cancelled }
            perform(scheduler.requeued(slice.jobs, in: sweep, at: now))
            guard slice.done else { continue }
            let retry = retries.removeFirst()
            perform(scheduler.retryEnded(sweep, at: now))
            finishRetry(retry)
        }
        return !retries.isEmpty
    }

    /// Logs the retry's totals and answers its client, if one waits.
    private func finishRetry(_ retry: SweepRetry) {
        let maxAttempts = directory.record(retry.sweep)?.maxAttempts ?? 0
        logger.info("jobs re-queued", metadata: [
            "sweep": "\(retry.sweep)", "failed": "\(retry.failed)", "cancelled": "\(retry.cancelled)",
            "maxAttempts": "\(maxAttempts)",
        ])
        if let reply = retry.reply {
            outbox.reply(
                .retried(.init(sweep: retry.sweep, failed: retry.failed, cancelled: retry.cancelled, maxAttempts: maxAttempts)),
                to: reply.route, requestID: reply.requestID)
        }
    }

    /// The sweep was cancelled while a retry re-queued its jobs: the retry stops where it is (the
    /// jobs it re-queued are cancelled with the sweep) and its client hears so.
    func stopRetry(of sweep: SweepID) {
        guard let position = retries.firstIndex(where: { $0.sweep == sweep }) else { return }
        let retry = retries.remove(at: position)
        do {
            try store.endRetry(sweep: sweep)
        } catch {
            logger.error("ending a retry failed", metadata: ["sweep": "\(sweep)", "error": "\(error)"])
        }
        logger.info("retry stopped: the sweep was cancelled", metadata: [
            "sweep": "\(sweep)", "failed": "\(retry.failed)", "cancelled": "\(retry.cancelled)",
        ])
        if let reply = retry.reply {
            outbox.reply(
                .error(.init(code: .badRequest, message: """
                    sweep \(sweep.short) was cancelled while its jobs were re-queued (\(retry.failed) failed and \
                    \(retry.cancelled) cancelled jobs had been re-queued, and are cancelled again)
                    """)),
                to: reply.route, requestID: reply.requestID)
        }
    }
}
