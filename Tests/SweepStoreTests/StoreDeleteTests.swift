import Foundation
import GRDB
import SweepModel
import Testing
@testable import SweepStore

/// Deleting a sweep a slice at a time: hidden at once, resumable after a reopen, shared jobs kept
/// with their results, nothing of a removed job left behind (finish log included).
@Suite struct StoreDeleteTests {
    /// Sweep 1 holds jobs 0..<10, sweep 2 holds 6..<12 (6...9 shared); jobs 0...7 have results.
    static func twoSweeps(_ store: ResultStore) throws {
        _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<10))
        _ = try store.submit(sweep: sweepRecord(2), jobs: Array(plan(0..<12)[6...]).enumerated().map {
            PlannedJob(id: $0.element.id, index: $0.offset, parameters: $0.element.parameters)
        })
        for job in plan(0..<8) {
            try store.apply([
                .attemptStarted(job: job.id, number: 1, worker: workerA),
                .resultRecorded(job: job.id, attempt: 1, result: clustered()),
            ], at: at(1))
        }
        try store.apply([.sweepFinished(sweepRecord(1).id)], at: at(2))
    }

    static func count(_ store: ResultStore, _ sql: String) throws -> Int {
        try store.pool.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }

    @Test func deleteStep_inSmallSlices_removesOnlyWhatNoOtherSweepHolds() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            try Self.twoSweeps(store)
            let sweep = sweepRecord(1).id
            try store.beginDelete(sweep: sweep)
            // Hidden at once from every read; listed for a restart to finish.
            #expect(try store.sweeps().map(\.id) == [sweepRecord(2).id])
            #expect(try store.lookupSweep(sweep.rawValue) == .notFound)
            #expect(try store.sweepsBeingDeleted() == [sweep])
            var steps = 0
            var progress = try store.deleteStep(sweep: sweep, rows: 3)
            while !progress.done {
                steps += 1
                progress = try store.deleteStep(sweep: sweep, rows: 3)
            }
            #expect(steps > 5, "the deletion took several slices")
            #expect(progress.outcome == DeleteOutcome(jobsRemoved: 6, jobsKept: 4))
            #expect(try store.sweepsBeingDeleted().isEmpty)
            #expect(try Self.count(store, "SELECT COUNT(*) FROM sweeps") == 1)
            #expect(try Self.count(store, "SELECT COUNT(*) FROM jobs") == 6)
            #expect(try Self.count(store, "SELECT COUNT(*) FROM results") == 2)  // jobs 6 and 7, shared
            #expect(try Self.count(store, "SELECT COUNT(*) FROM finish_log") == 2)
            #expect(try Self.count(store, "SELECT COUNT(*) FROM doomed_jobs") == 0)
            #expect(try Self.count(store, "SELECT COUNT(*) FROM deletions") == 0)
            let remaining = try store.jobRecords(sweep: sweepRecord(2).id)
            #expect(remaining.count == 6 && remaining.prefix(2).allSatisfy { $0.result == clustered() })
            #expect(try Self.count(store, "SELECT COUNT(*) FROM pragma_foreign_key_check") == 0)
        }
    }

    @Test func aDeletionResumesAfterReopening_andItsIdCannotBeSubmittedMeanwhile() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/state.sqlite"
            let sweep = sweepRecord(1).id
            do {
                let store = try ResultStore(path: path)
                try Self.twoSweeps(store)
                try store.beginDelete(sweep: sweep)
                _ = try store.deleteStep(sweep: sweep, rows: 4)  // part of the plan unlinked
            }
            let reopened = try ResultStore(path: path)
            #expect(try reopened.sweepsBeingDeleted() == [sweep])
            let refused = #expect(throws: StoreError.self) { _ = try reopened.submit(sweep: sweepRecord(1), jobs: plan(0..<10)) }
            #expect(refused?.reason == .sweepBeingDeleted(sweep))
            var progress = try reopened.deleteStep(sweep: sweep, rows: 4)
            while !progress.done { progress = try reopened.deleteStep(sweep: sweep, rows: 4) }
            #expect(progress.outcome == DeleteOutcome(jobsRemoved: 6, jobsKept: 4))
            // Gone: the same sweep can be submitted again, its removed jobs pending anew.
            let again = try reopened.submit(sweep: sweepRecord(1), jobs: plan(0..<10))
            #expect(!again.alreadySubmitted && again.insertedJobs == 6 && again.counts[.pending] == 8 && again.counts[.clustered] == 2)
        }
    }

    @Test func aDoomedJobThatANewSweepTakesUp_isKeptWithItsResult() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            try Self.twoSweeps(store)
            let sweep = sweepRecord(1).id
            try store.beginDelete(sweep: sweep)
            var progress = try store.deleteStep(sweep: sweep, rows: 100)  // the plan unlinked, jobs 0...5 doomed
            #expect(!progress.done && progress.outcome == DeleteOutcome(jobsRemoved: 6, jobsKept: 4))
            // Before they are removed, a new sweep holds job 0.
            _ = try store.submit(sweep: sweepRecord(3), jobs: plan(0..<1))
            while !progress.done { progress = try store.deleteStep(sweep: sweep, rows: 100) }
            #expect(progress.outcome == DeleteOutcome(jobsRemoved: 5, jobsKept: 5))
            let taken = try store.jobRecords(sweep: sweepRecord(3).id)
            #expect(taken.count == 1 && taken[0].status == .clustered && taken[0].result == clustered())
            #expect(try store.finishedJobs(sweep: sweepRecord(3).id, after: 0, limit: 10).jobs.map(\.id) == [plan(0..<1)[0].id])
            #expect(try Self.count(store, "SELECT COUNT(*) FROM pragma_foreign_key_check") == 0)
        }
    }

    @Test func aDoomedJobTakenUpAfterTheFinishLogPhase_getsItsFinishLogRowBack() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            try Self.twoSweeps(store)
            let sweep = sweepRecord(1).id
            try store.beginDelete(sweep: sweep)
            var progress = try store.deleteStep(sweep: sweep, rows: 100)  // phase 0: the plan unlinked
            progress = try store.deleteStep(sweep: sweep, rows: 100)  // phase 1 begins
            progress = try store.deleteStep(sweep: sweep, rows: 100)  // the whole log walked
            #expect(!progress.done)
            // Only now does a new sweep hold job 0 (finished, its log row removed).
            _ = try store.submit(sweep: sweepRecord(3), jobs: plan(0..<1))
            while !progress.done { progress = try store.deleteStep(sweep: sweep, rows: 100) }
            #expect(progress.outcome == DeleteOutcome(jobsRemoved: 5, jobsKept: 5))
            #expect(try store.finishedJobs(sweep: sweepRecord(3).id, after: 0, limit: 10).jobs.map(\.id) == [plan(0..<1)[0].id])
            #expect(try Self.count(store, "SELECT COUNT(*) FROM pragma_foreign_key_check") == 0)
        }
    }

    @Test func delete_whole_isTheSlicesRunToTheEnd() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            try Self.twoSweeps(store)
            #expect(try store.delete(sweep: sweepRecord(1).id) == DeleteOutcome(jobsRemoved: 6, jobsKept: 4))
            #expect(try store.sweeps().map(\.id) == [sweepRecord(2).id])
        }
    }
}
