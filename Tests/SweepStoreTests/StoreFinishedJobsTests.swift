import Foundation
import SweepModel
import Testing
@testable import SweepStore

/// `finishedJobs`: a sweep's newly finished jobs in commit order, page by page, at a cost bounded
/// by the page (the finish log of migration `v4-finish-log`, appended by `apply` since format 8).
@Suite struct StoreFinishedJobsTests {
    @Test func pages_followCommitOrder_onlyThisSweep_andEachJobOnce() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<10))
            _ = try store.submit(sweep: sweepRecord(2), jobs: plan(20..<25).enumerated().map {
                PlannedJob(id: $0.element.id, index: $0.offset, parameters: $0.element.parameters)
            })
            let one = plan(0..<10).map(\.id)
            let other = plan(20..<25).map(\.id)
            // Finish jobs 7, 2, 9 of sweep 1 (in that order), interleaved with the other sweep.
            let order = [one[7], other[0], one[2], other[1], one[9]]
            for (n, job) in order.enumerated() {
                _ = try store.apply([.attemptStarted(job: job, number: 1, worker: workerA)], at: at(Double(n)))
                _ = try store.apply([.resultRecorded(job: job, attempt: 1, result: clustered())], at: at(Double(n) + 0.5))
            }
            _ = try store.apply([.jobFailed(job: one[4], error: "boom")], at: at(10))

            let first = try store.finishedJobs(sweep: sweepRecord(1).id, after: 0, limit: 2)
            #expect(first.jobs.map(\.id) == [one[7], one[2]])
            #expect(first.more)
            #expect(try first.jobs.allSatisfy { try $0.record().result == clustered() && $0.error == nil })
            #expect(try first.jobs.map { try $0.record().parameters } == [plan(0..<10)[7].parameters, plan(0..<10)[2].parameters])
            #expect(first.jobs.map(\.index) == [7, 2])
            let second = try store.finishedJobs(sweep: sweepRecord(1).id, after: first.cursor, limit: 2)
            #expect(second.jobs.map(\.id) == [one[9], one[4]])
            #expect(second.jobs.last?.status == .failed && second.jobs.last?.error == "boom")
            #expect(second.jobs.last?.completedAt == at(10))
            #expect(second.jobs.last?.resultJSON == nil)
            let third = try store.finishedJobs(sweep: sweepRecord(1).id, after: second.cursor, limit: 2)
            #expect(third.jobs.isEmpty && !third.more)
            #expect(third.cursor >= second.cursor)
            #expect(try store.finishedJobs(sweep: sweepRecord(2).id, after: 0, limit: 10).jobs.map(\.id) == [other[0], other[1]])
        }
    }

    @Test func scanLimit_boundsTheLogReadPerCall_andTheCursorStillAdvances() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<3))
            _ = try store.submit(sweep: sweepRecord(2), jobs: plan(10..<40).enumerated().map {
                PlannedJob(id: $0.element.id, index: $0.offset, parameters: $0.element.parameters)
            })
            // 30 jobs of another sweep finish first, then one of ours.
            for job in plan(10..<40).map(\.id) + [plan(0..<3)[1].id] {
                _ = try store.apply([.resultRecorded(job: job, attempt: 1, result: clustered())], at: at(1))
            }
            var cursor: Int64 = 0
            var calls = 0
            var found: [JobID] = []
            repeat {
                let page = try store.finishedJobs(sweep: sweepRecord(1).id, after: cursor, limit: 5, scanLimit: 10)
                found += page.jobs.map(\.id)
                #expect(page.cursor > cursor || !page.more)
                cursor = page.cursor
                calls += 1
                if !page.more { break }
            } while calls < 100
            #expect(found == [plan(0..<3)[1].id])
            #expect(calls == 4, "31 log entries, 10 per call")
        }
    }

    @Test func cancelledJobs_areNotLogged_butAResultAfterACancelIs() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<2))
            _ = try store.apply([.sweepCancelled(sweepRecord(1).id), .jobsCancelled(plan(0..<2).map(\.id))], at: at(1))
            #expect(try store.finishedJobs(sweep: sweepRecord(1).id, after: 0, limit: 10).jobs.isEmpty)
            let job = plan(0..<2)[0].id
            _ = try store.apply([.resultRecorded(job: job, attempt: 1, result: clustered())], at: at(2))
            #expect(try store.finishedJobs(sweep: sweepRecord(1).id, after: 0, limit: 10).jobs.map(\.id) == [job])
        }
    }

    /// Format 8 writes the log from `apply` (no trigger): one row each time a job reaches a
    /// finished status it did not have, on every path; none for a duplicate result, a second
    /// failure, a cancel, a retry or a start.
    @Test func everyPathThatFinishesAJob_logsItOnce() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            let jobs = plan(0..<4).map(\.id)
            _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<4))
            func logged() throws -> [JobID] {
                try store.finishedJobs(sweep: sweepRecord(1).id, after: 0, limit: 100).jobs.map(\.id)
            }
            try store.apply([.attemptStarted(job: jobs[0], number: 1, worker: workerA)], at: at(1))
            try store.apply([
                .resultRecorded(job: jobs[0], attempt: 1, result: clustered()),
                .resultRecorded(job: jobs[0], attempt: 1, result: clustered(9)),  // duplicate: dropped
                .jobFailed(job: jobs[0], error: "late"),  // has a result: not failed
            ], at: at(2))
            #expect(try logged() == [jobs[0]])
            try store.apply([.jobFailed(job: jobs[1], error: "boom")], at: at(3))
            try store.apply([.jobFailed(job: jobs[1], error: "boom again")], at: at(4))  // failed already
            try store.apply([.jobsCancelled([jobs[2]])], at: at(5))
            #expect(try logged() == [jobs[0], jobs[1]])
            // A failed job's late result finishes it again; a retried job finishing too.
            try store.apply([.resultRecorded(job: jobs[1], attempt: 1, result: clustered())], at: at(6))
            _ = try store.retry(sweep: sweepRecord(1).id, statuses: [.cancelled], maxAttempts: nil)
            try store.apply([.attemptStarted(job: jobs[2], number: 1, worker: workerA)], at: at(7))
            try store.apply([.resultRecorded(job: jobs[2], attempt: 1, result: clustered())], at: at(8))
            try store.apply([.attemptStarted(job: jobs[3], number: 1, worker: workerA)], at: at(9))
            #expect(try logged() == [jobs[0], jobs[1], jobs[1], jobs[2]])
        }
    }
}
