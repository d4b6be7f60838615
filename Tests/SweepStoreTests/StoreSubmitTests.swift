import Foundation
import SweepModel
import Testing
@testable import SweepStore

@Suite("Submitting sweeps: idempotence and shared jobs")
struct StoreSubmitTests {
    @Test func submit_whenSweepIsNew_storesItPendingInPlanOrder() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            let outcome = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<5))
            #expect(!outcome.alreadySubmitted)
            #expect(outcome.insertedJobs == 5 && outcome.sharedJobs == 0)
            #expect(outcome.counts[.pending] == 5 && outcome.counts[.clustered] == 0)
            #expect(outcome.sweep == sweepRecord(1, jobs: 5))
            let records = try store.jobRecords(sweep: sweepRecord(1).id)
            #expect(records.map(\.id) == plan(0..<5).map(\.id))
            #expect(records.map(\.index) == Array(0..<5))
            #expect(records.map(\.parameters) == plan(0..<5).map(\.parameters))
        }
    }

    @Test func submit_whenSweepAlreadyStored_changesNothingAndSaysSo() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<3))
            let job = plan(0..<3)[0].id
            try store.apply([.attemptStarted(job: job, number: 1, worker: workerA)], at: at(1))
            try store.apply([.resultRecorded(job: job, attempt: 1, result: clustered())], at: at(2))
            var again = sweepRecord(1)
            again.createdAt = at(500)
            again.sourceText = "# edited comment\n"
            let outcome = try store.submit(sweep: again, jobs: plan(0..<3))
            #expect(outcome.alreadySubmitted)
            #expect(outcome.insertedJobs == 0)
            #expect(outcome.sweep == sweepRecord(1, jobs: 3))
            #expect(outcome.counts[.clustered] == 1 && outcome.counts[.pending] == 2)
            #expect(try store.sweeps() == [sweepRecord(1, jobs: 3)])
        }
    }

    @Test func submit_whenSweepsOverlap_sharesJobsAndKeepsTheirResults() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<4))
            let done = plan(0..<4)[3].id
            try store.apply([.attemptStarted(job: done, number: 1, worker: workerA)], at: at(1))
            try store.apply([.resultRecorded(job: done, attempt: 1, result: clustered(7))], at: at(2))
            let outcome = try store.submit(sweep: sweepRecord(2), jobs: plan(2..<6))
            #expect(outcome.insertedJobs == 2 && outcome.sharedJobs == 2)
            #expect(outcome.counts[.clustered] == 1 && outcome.counts[.pending] == 3)
            let second = try store.jobRecords(sweep: sweepRecord(2).id)
            #expect(second.map(\.id) == plan(2..<6).map(\.id))
            #expect(second[1].result == clustered(7))
            #expect(second[1].attempts.count == 1)
            let snapshot = try store.restartSnapshot()
            #expect(snapshot.jobs.count == 5)  // 6 distinct jobs, one done
            #expect(try store.sweeps().map(\.id) == [sweepRecord(1).id, sweepRecord(2).id])
        }
    }

    @Test func submit_whenPlanListsAJobTwice_refusesBeforeWriting() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            var jobs = plan(0..<3)
            jobs.append(PlannedJob(id: jobs[1].id, index: 3, parameters: jobs[1].parameters))
            let error = try #require(throws: StoreError.self) { try store.submit(sweep: sweepRecord(1), jobs: jobs) }
            #expect(error.reason == .duplicateJobInPlan(jobs[1].id, firstIndex: 1, secondIndex: 3))
            #expect(try store.sweeps().isEmpty)
        }
    }

    @Test func submit_whenSharedJobWasCancelled_reopensIt() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<3))
            try store.apply([.sweepCancelled(sweepRecord(1).id), .jobsCancelled(plan(0..<3).map(\.id))], at: at(3))
            #expect(try store.counts(sweep: sweepRecord(1).id)[.cancelled] == 3)
            let outcome = try store.submit(sweep: sweepRecord(2), jobs: plan(1..<4))
            #expect(outcome.reopenedJobs == plan(1..<3).map(\.id))
            #expect(outcome.counts[.pending] == 3)
            #expect(try store.counts(sweep: sweepRecord(1).id)[.cancelled] == 1)
        }
    }

    @Test func lookupSweep_findsByIdPrefixOrNameAndReportsAmbiguity() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            _ = try store.submit(sweep: sweepRecord(1, name: "dims"), jobs: plan(0..<1))
            _ = try store.submit(sweep: sweepRecord(2, name: "dims"), jobs: plan(0..<1))
            let id = sweepRecord(2).id.rawValue
            #expect(try store.lookupSweep(id) == .found(sweepRecord(2, name: "dims", jobs: 1)))
            #expect(try store.lookupSweep(String(id.suffix(64)).uppercased()) == .found(sweepRecord(2, name: "dims", jobs: 1)))
            if case .ambiguous(let both) = try store.lookupSweep(String(id.prefix(20))) {
                #expect(both.count == 2)
            } else {
                Issue.record("a shared prefix should be ambiguous")
            }
            if case .ambiguous = try store.lookupSweep("dims") {} else { Issue.record("a shared name should be ambiguous") }
            #expect(try store.lookupSweep("nope") == .notFound)
        }
    }
}
