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

    @Test func slicedRetry_requeuesASliceOfPositionsPerStep_andSurvivesReopening() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/state.sqlite"
            let sweepID = sweepRecord(1).id
            let jobs = plan(0..<10)
            do {
                let store = try ResultStore(path: path)
                _ = try store.submit(sweep: sweepRecord(1), jobs: jobs)
                // Odd jobs fail, even ones complete.
                try store.apply(jobs.flatMap { job -> [StoreChange] in
                    [.attemptStarted(job: job.id, number: 1, worker: workerA)]
                        + (job.index % 2 == 0
                            ? [.resultRecorded(job: job.id, attempt: 1, result: clustered())]
                            : [.attemptEnded(job: job.id, number: 1, outcome: .error, error: "boom"),
                               .jobFailed(job: job.id, error: "boom")])
                } + [.sweepFinished(sweepID)], at: at(1))
                let reopened = try store.beginRetry(sweep: sweepID, statuses: [.failed, .completed], maxAttempts: 4)
                #expect(reopened.finishedAt == nil && reopened.maxAttempts == 4)
                #expect(try store.retriesInProgress() == [
                    RetryInProgress(sweep: sweepID, statuses: [.failed], cursor: 0, end: 10, awaiting: [.failed: 5]),
                ])
                // A second retry of the same sweep is refused while this one runs.
                #expect(throws: StoreError.self) { _ = try store.beginRetry(sweep: sweepID, statuses: [.failed], maxAttempts: nil) }
                let first = try store.retryStep(sweep: sweepID, rows: 4)
                #expect(first.jobs.map(\.index) == [1, 3] && !first.done)
                #expect(first.previousStatus.values.allSatisfy { $0 == .failed })
                #expect(first.jobs.allSatisfy { $0.status == .pending && $0.retryBase == 1 && $0.chargedAttempts == 0 })
            }
            // Another store on the file (a restarted coordinator) carries on from position 4.
            let store = try ResultStore(path: path)
            #expect(try store.retriesInProgress().map(\.cursor) == [4])
            #expect(try store.retriesInProgress().map(\.awaiting) == [[.failed: 3]])
            let second = try store.retryStep(sweep: sweepID, rows: 4)
            #expect(second.jobs.map(\.index) == [5, 7] && !second.done)
            let last = try store.retryStep(sweep: sweepID, rows: 4)
            #expect(last.jobs.map(\.index) == [9] && last.done)
            #expect(try store.retriesInProgress().isEmpty)
            #expect(try store.retryStep(sweep: sweepID, rows: 4) == RetrySlice(done: true))
            let counts = try store.counts(sweep: sweepID)
            #expect(counts[.pending] == 5 && counts[.clustered] == 5)
        }
    }

    @Test func endRetry_stopsWhereTheRetryIs() throws {
        try withTemporaryDirectory { directory in
            let store = try ResultStore(path: directory + "/state.sqlite")
            let sweepID = sweepRecord(1).id
            let jobs = plan(0..<6)
            _ = try store.submit(sweep: sweepRecord(1), jobs: jobs)
            try store.apply([.jobsCancelled(jobs.map(\.id)), .sweepCancelled(sweepID), .sweepFinished(sweepID)], at: at(1))
            _ = try store.beginRetry(sweep: sweepID, statuses: [.cancelled], maxAttempts: nil)
            #expect(try store.retryStep(sweep: sweepID, rows: 2).jobs.count == 2)
            try store.endRetry(sweep: sweepID)
            #expect(try store.retriesInProgress().isEmpty)
            #expect(try store.retryStep(sweep: sweepID, rows: 2) == RetrySlice(done: true))
            let counts = try store.counts(sweep: sweepID)
            #expect(counts[.pending] == 2 && counts[.cancelled] == 4)
        }
    }
}
