import Foundation
import SweepModel
import Testing
@testable import SweepStore

/// `ResultStore.retry` on a real store file: failed and cancelled jobs back to pending with their
/// history kept and a fresh budget, the sweep reopened, and a restart that agrees.
@Suite struct StoreRetryTests {
    @Test func retry_requeuesFailedJobs_keepsHistory_andRestartDoesNotChargeOldAttempts() throws {
        try withTemporaryDirectory { directory in
            let store = try ResultStore(path: directory + "/state.sqlite")
            let record = sweepRecord(1)
            let sweepID = record.id
            let jobs = plan(0..<3)
            _ = try store.submit(sweep: record, jobs: jobs)
            // Job 0: two errors, then failed. Job 1: a result. Job 2: cancelled.
            try store.apply([.attemptStarted(job: jobs[0].id, number: 1, worker: workerA)], at: at(1))
            try store.apply([.attemptEnded(job: jobs[0].id, number: 1, outcome: .error, error: "boom 1")], at: at(2))
            try store.apply([.attemptStarted(job: jobs[0].id, number: 2, worker: workerA)], at: at(3))
            try store.apply([
                .attemptEnded(job: jobs[0].id, number: 2, outcome: .error, error: "boom 2"),
                .jobFailed(job: jobs[0].id, error: "boom 2"),
            ], at: at(4))
            try store.apply([.attemptStarted(job: jobs[1].id, number: 1, worker: workerA)], at: at(5))
            try store.apply([.resultRecorded(job: jobs[1].id, attempt: 1, result: clustered())], at: at(6))
            try store.apply([
                .jobsCancelled([jobs[2].id]),
                .sweepFinished(sweepID),
            ], at: at(7))
            #expect(try store.jobRecords(sweep: sweepID)[0].chargedAttempts == 2)

            let onlyFailed = try store.retry(sweep: sweepID, statuses: [.failed], maxAttempts: 5)
            #expect(onlyFailed.jobs.map(\.id) == [jobs[0].id])
            #expect(onlyFailed.previousStatus == [jobs[0].id: .failed])
            #expect(onlyFailed.sweep.maxAttempts == 5 && onlyFailed.sweep.finishedAt == nil && !onlyFailed.sweep.cancelled)
            let retried = try #require(onlyFailed.jobs.first)
            #expect(retried.status == .pending && retried.retryBase == 2 && retried.attempts.count == 2)
            #expect(retried.chargedAttempts == 0)

            // A restart sees the job open, with nothing charged, and the sweep open.
            let snapshot = try store.restartSnapshot()
            #expect(snapshot.openSweeps.map(\.id) == [sweepID])
            #expect(snapshot.jobs.map(\.record.id) == [jobs[0].id])
            #expect(snapshot.jobs.first?.record.retryBase == 2)

            // The completed job is never touched; the cancelled one comes back with `cancelled`.
            let cancelled = try store.retry(sweep: sweepID, statuses: [.failed, .cancelled, .clustered], maxAttempts: nil)
            #expect(cancelled.previousStatus == [jobs[2].id: .cancelled])
            #expect(cancelled.sweep.maxAttempts == 5)
            let counts = try store.counts(sweep: sweepID)
            #expect(counts[.pending] == 2 && counts[.clustered] == 1)
        }
    }
}
