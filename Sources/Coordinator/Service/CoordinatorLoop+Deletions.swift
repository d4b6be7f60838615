import Foundation
import Logging
import SweepModel
import SweepStore
import SweepWire

extension CoordinatorLoop {
    /// Deletes the oldest sweeps being deleted, a slice (`deletionSlice` rows) per transaction,
    /// for at most `budget`; answers each `delete` when its sweep is gone. Returns whether
    /// deletion work is left.
    func advanceDeletions(budget: Duration) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + budget
        while let deletion = deletions.first, clock.now < deadline {
            let progress: DeleteProgress
            do {
                progress = try store.deleteStep(sweep: deletion.sweep, rows: configuration.deletionSlice)
            } catch {
                // The sweep stays flagged in the file: the next coordinator on it resumes.
                deletions.removeFirst()
                logger.error("deleting a sweep failed; a restart on this state file resumes it", metadata: [
                    "sweep": "\(deletion.sweep)", "error": "\(error)",
                ])
                if let reply = deletion.reply {
                    outbox.reply(
                        .error(.init(code: .unavailable, message: error.description)), to: reply.route, requestID: reply.requestID)
                }
                continue
            }
            guard progress.done else { continue }
            deletions.removeFirst()
            logger.info("sweep deleted", metadata: [
                "sweep": "\(deletion.sweep)", "removed": "\(progress.outcome.jobsRemoved)",
                "kept": "\(progress.outcome.jobsKept)",
            ])
            if let reply = deletion.reply {
                outbox.reply(
                    .deleted(.init(
                        sweep: deletion.sweep, name: deletion.name, jobsRemoved: progress.outcome.jobsRemoved,
                        jobsKept: progress.outcome.jobsKept)),
                    to: reply.route, requestID: reply.requestID)
            }
        }
        return !deletions.isEmpty
    }
}
