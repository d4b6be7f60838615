import Foundation
import GRDB
import SweepModel
import Testing
@testable import SweepStore

/// A sweep stored as its file and plan size, whose job rows are created slice by slice.
@Suite("Lazy plans: a sweep's jobs created as they are needed")
struct StoreLazyPlanTests {
    @Test func submitWithoutJobs_storesOnlyTheSweep_andCountsEveryPositionPending() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            let outcome = try store.submit(sweep: sweepRecord(1, jobs: 1_000_000))
            #expect(!outcome.alreadySubmitted)
            #expect(outcome.sweep.jobCount == 1_000_000 && outcome.sweep.plannedJobs == 0)
            #expect(try store.counts(sweep: sweepRecord(1).id)[.pending] == 1_000_000)
            #expect(try store.jobRecords(sweep: sweepRecord(1).id).isEmpty)
            #expect(try !store.holdsJobs())
            // Idempotent, as a submission with jobs.
            #expect(try store.submit(sweep: sweepRecord(1, jobs: 1_000_000)).alreadySubmitted)
        }
    }

    @Test func planJobs_createsConsecutivePositions_andRefusesAGapOrARepeat() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            let id = sweepRecord(1).id
            _ = try store.submit(sweep: sweepRecord(1, jobs: 6))
            let all = plan(0..<6)
            let first = try store.planJobs(sweep: id, jobs: Array(all[0..<2]))
            #expect(first.map(\.id) == all[0..<2].map(\.id) && first.allSatisfy { $0.status == .pending })
            #expect(try store.sweep(id: id)?.plannedJobs == 2)
            #expect(try store.holdsJobs())
            #expect(throws: StoreError.self) { try store.planJobs(sweep: id, jobs: Array(all[3..<4])) }
            #expect(throws: StoreError.self) { try store.planJobs(sweep: id, jobs: Array(all[0..<1])) }
            #expect(throws: StoreError.self) { try store.planJobs(sweep: id, jobs: Array(all[2..<6]) + [all[0]]) }
            _ = try store.planJobs(sweep: id, jobs: Array(all[2..<6]))
            #expect(try store.sweep(id: id)?.plannedJobs == 6)
            #expect(try store.jobRecords(sweep: id).map(\.index) == Array(0..<6))
            #expect(try store.counts(sweep: id)[.pending] == 6)
        }
    }

    @Test func planJobs_whenAnotherSweepHoldsTheJob_returnsItsStatusAndHistory() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<2))
            let done = plan(0..<2)[1].id
            try store.apply([.attemptStarted(job: done, number: 1, worker: workerA)], at: at(1))
            try store.apply([.resultRecorded(job: done, attempt: 1, result: clustered())], at: at(2))
            _ = try store.submit(sweep: sweepRecord(2, jobs: 3))
            let records = try store.planJobs(sweep: sweepRecord(2).id, jobs: plan(1..<4).enumerated().map {
                PlannedJob(id: $1.id, index: $0, parameters: $1.parameters)
            })
            #expect(records.map(\.index) == [0, 1, 2])
            #expect(records[0].id == done && records[0].status == .clustered && records[0].attempts.count == 1)
            #expect(records[0].result != nil)
            #expect(records[1].status == .pending && records[1].attempts.isEmpty)
            #expect(try store.counts(sweep: sweepRecord(2).id)[.clustered] == 1)
        }
    }

    @Test func cancelledSweep_countsItsUnplannedPositionsCancelled() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            let id = sweepRecord(1).id
            _ = try store.submit(sweep: sweepRecord(1, jobs: 10))
            _ = try store.planJobs(sweep: id, jobs: plan(0..<4))
            // The coordinator lists the jobs to cancel and flags the sweep: the flag alone cancels
            // no row (job 3 is left out here to show it), and every unplanned position.
            try store.apply([.jobsCancelled(plan(0..<3).map(\.id)), .sweepCancelled(id)], at: at(3))
            var counts = try store.counts(sweep: id)
            #expect(counts[.cancelled] == 9 && counts[.pending] == 1)
            try store.apply([.jobsCancelled([plan(3..<4)[0].id])], at: at(3))
            counts = try store.counts(sweep: id)
            #expect(counts[.cancelled] == 10 && counts[.pending] == 0)
            // Retrying the cancelled jobs reopens the sweep: the unplanned positions are pending again.
            let retried = try store.retry(sweep: id, statuses: [.cancelled], maxAttempts: nil)
            #expect(retried.jobs.count == 4 && retried.sweep.unplannedJobs == 6 && !retried.sweep.cancelled)
            #expect(try store.counts(sweep: id)[.pending] == 10)
        }
    }
}
