import Foundation
import SweepModel
import Testing
import TrainingCore
@testable import SweepStore

@Suite("Group commit: attempts, write-once results, failures, cancellation, restart snapshot")
struct StoreApplyTests {
    /// A late result (the lease had expired: a partition or a stall) that becomes the job's result
    /// turns its attempt into `completed`, so the record names the attempt the result came from.
    @Test func resultRecorded_fromAnExpiredAttemptFirst_marksThatAttemptCompleted() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<1))
            let job = plan(0..<1)[0].id
            _ = try store.apply([.attemptStarted(job: job, number: 1, worker: workerA)], at: at(1))
            _ = try store.apply([.attemptEnded(job: job, number: 1, outcome: .expired, error: "missed 3 heartbeats")], at: at(4))
            _ = try store.apply([.resultRecorded(job: job, attempt: 1, result: clustered(1))], at: at(9))
            let record = try #require(try store.jobRecords(sweep: sweepRecord(1).id).first)
            #expect(record.status == .clustered)
            #expect(record.result == clustered(1))
            #expect(record.attempts.map(\.outcome) == [.completed])
            #expect(record.attempts.first?.error == nil)
        }
    }

    @Test func resultRecorded_whenJobAlreadyHasResult_keepsTheFirstAndReportsDuplicate() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<2))
            let job = plan(0..<2)[0].id
            let first = try store.apply([
                .attemptStarted(job: job, number: 1, worker: workerA),
                .attemptEnded(job: job, number: 1, outcome: .expired, error: "missed 3 heartbeats"),
                .attemptStarted(job: job, number: 2, worker: workerB),
                .resultRecorded(job: job, attempt: 2, result: clustered(2)),
            ], at: at(6))
            #expect(first == ApplyReport())
            let late = JobResult(status: .censored, summary: nil, seconds: 9)
            let second = try store.apply([.resultRecorded(job: job, attempt: 1, result: late)], at: at(9))
            #expect(second.duplicateResults == [job])
            let record = try #require(try store.jobRecords(sweep: sweepRecord(1).id).first)
            #expect(record.status == .clustered)
            #expect(record.result == clustered(2))
            #expect(record.attempts.map(\.outcome) == [.expired, .completed])
        }
    }

    @Test func attempts_keepFullHistoryWithWorkersTimesAndErrors() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<1))
            let job = plan(0..<1)[0].id
            try store.apply([.attemptStarted(job: job, number: 1, worker: workerA)], at: at(1))
            #expect(try store.counts(sweep: sweepRecord(1).id)[.running] == 1)
            try store.apply([
                .attemptEnded(job: job, number: 1, outcome: .error, error: "dimension 0 is invalid"),
            ], at: at(2))
            #expect(try store.counts(sweep: sweepRecord(1).id)[.pending] == 1)
            try store.apply([.attemptStarted(job: job, number: 2, worker: workerB)], at: at(3))
            try store.apply([
                .attemptEnded(job: job, number: 2, outcome: .error, error: "still invalid"),
                .jobFailed(job: job, error: "failed after 2 attempts: still invalid"),
            ], at: at(4))
            let record = try #require(try store.jobRecords(sweep: sweepRecord(1).id).first)
            #expect(record.status == .failed)
            #expect(record.lastError == "still invalid")
            #expect(record.attempts == [
                AttemptRecord(jobID: job, number: 1, worker: workerA, startedAt: at(1), endedAt: at(2),
                              outcome: .error, error: "dimension 0 is invalid"),
                AttemptRecord(jobID: job, number: 2, worker: workerB, startedAt: at(3), endedAt: at(4),
                              outcome: .error, error: "still invalid"),
            ])
        }
    }

    @Test func apply_whenChangesNameUnknownJobsOrRepeat_skipsThemAndAppliesTheRest() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<1))
            let job = plan(0..<1)[0].id
            let stranger = JobID(rawValue: String(repeating: "f", count: 64))
            let failedResult = JobResult(status: .failed, summary: nil, seconds: 1)
            let changes: [StoreChange] = [
                .attemptStarted(job: stranger, number: 1, worker: workerA),
                .attemptStarted(job: job, number: 1, worker: workerA),
                .attemptStarted(job: job, number: 1, worker: workerB),
                .attemptEnded(job: job, number: 5, outcome: .error, error: "x"),
                .resultRecorded(job: stranger, attempt: 1, result: clustered()),
                .resultRecorded(job: job, attempt: 1, result: failedResult),
                .sweepFinished(SweepID(rawValue: "nope")),
            ]
            let report = try store.apply(changes, at: at(3))
            #expect(report.ignored == [changes[0], changes[2], changes[3], changes[4], changes[5], changes[6]])
            let record = try #require(try store.jobRecords(sweep: sweepRecord(1).id).first)
            #expect(record.status == .running)
            #expect(record.attempts.map(\.worker) == [workerA])
        }
    }

    @Test func resultRecorded_whenMetricsAreNotFinite_roundTrips() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<1))
            let job = plan(0..<1)[0]
            let summary = RunOutcome(
                status: .diverged, epochsRun: 12,
                timeToCluster: ["lda_silhouette": nil, "knn_accuracy": ClusterTime(epoch: 5, seconds: 0.25)],
                final: MetricValues(loss: .infinity, ldaSilhouette: -.infinity, knnAccuracy: 0.5, silhouette: 0.1,
                                    fisherRatio: 2),
                trainSeconds: 0.5, msPerEpoch: 41.6)
            let result = JobResult(status: .diverged, summary: summary, seconds: 0.6)
            try store.apply([.resultRecorded(job: job.id, attempt: 1, result: result)], at: at(1))
            let record = try #require(try store.jobRecords(sweep: sweepRecord(1).id).first)
            #expect(record.status == .diverged)
            // Non-finite metrics are stored as null (JSON has no infinity) and read back as NaN.
            let final = try #require(record.result?.summary?.final)
            #expect(final.loss.isNaN && final.ldaSilhouette.isNaN)
            #expect(final.knnAccuracy == 0.5 && final.fisherRatio == 2)
            #expect(record.result?.summary?.timeToCluster == summary.timeToCluster)
        }
    }

    @Test func sweepCancelled_writesTheFlag_andCancelsOnlyTheListedJobs() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<4))
            _ = try store.submit(sweep: sweepRecord(2), jobs: plan(2..<5))
            let done = plan(0..<4)[0].id
            try store.apply([.resultRecorded(job: done, attempt: 1, result: clustered())], at: at(1))
            // The coordinator lists the jobs no open sweep shares (job 1; jobs 2 and 3 are sweep 2's too).
            try store.apply([.sweepCancelled(sweepRecord(1).id), .jobsCancelled([plan(0..<4)[1].id])], at: at(2))
            #expect(try store.sweep(id: sweepRecord(1).id)?.cancelled == true)
            #expect(try store.jobRecords(sweep: sweepRecord(1).id).map(\.status)
                == [.clustered, .cancelled, .pending, .pending])
            try store.apply([.jobsCancelled([plan(2..<5)[2].id])], at: at(3))
            try store.apply([.sweepFinished(sweepRecord(2).id)], at: at(4))
            #expect(try store.counts(sweep: sweepRecord(2).id)[.cancelled] == 1)
            #expect(try store.sweep(id: sweepRecord(2).id)?.finishedAt == at(4))
        }
    }

    @Test func restartSnapshot_listsOpenJobsWithAttemptsInDispatchOrder() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/state.sqlite"
            let ids = plan(0..<5).map(\.id)
            do {
                let store = try ResultStore(path: path)
                _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<3))
                _ = try store.submit(sweep: sweepRecord(2), jobs: plan(2..<5))
                try store.apply([.attemptStarted(job: ids[0], number: 1, worker: workerA)], at: at(1))
                try store.apply([.resultRecorded(job: ids[0], attempt: 1, result: clustered())], at: at(2))
                try store.apply([.attemptStarted(job: ids[1], number: 1, worker: workerA)], at: at(3))
                try store.apply([.attemptEnded(job: ids[1], number: 1, outcome: .expired, error: nil)], at: at(4))
                try store.apply([.attemptStarted(job: ids[1], number: 2, worker: workerB)], at: at(5))
                try store.apply([.attemptStarted(job: ids[4], number: 1, worker: workerB)], at: at(6))
            }
            let snapshot = try ResultStore(path: path).restartSnapshot()
            #expect(snapshot.openSweeps.map(\.id) == [sweepRecord(1).id, sweepRecord(2).id])
            #expect(snapshot.jobs.map(\.record.id) == [ids[1], ids[2], ids[3], ids[4]])
            #expect(snapshot.jobs.map(\.record.status) == [.running, .pending, .pending, .running])
            #expect(snapshot.jobs[1].sweeps == [sweepRecord(1).id, sweepRecord(2).id])
            #expect(snapshot.jobs[0].record.attempts.map(\.outcome) == [.expired, .running])
            #expect(snapshot.jobs[0].runningAttempts.map(\.worker) == [workerB])
            #expect(snapshot.jobs[3].record.index == 2)
        }
    }
}
