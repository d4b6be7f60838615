import Foundation
import SweepModel
import SweepStore
import Testing
@testable import Coordinator

/// `Scheduler.retry`: failed and cancelled jobs come back with a fresh budget, in memory or
/// (after a restart) from the store's records.
@Suite struct SchedulerRetryTests {
    let a = Fixture.worker("a")
    let configuration: SchedulerConfiguration = {
        var configuration = SchedulerConfiguration()
        configuration.prefetchPerWorker = 0
        return configuration
    }()

    /// The store's view of job `n` after a retry: pending, `attempts` errors kept as history.
    func retried(_ n: Int, attempts: Int) -> JobRecord {
        JobRecord(
            id: Fixture.job(n), index: n, parameters: Fixture.parameters, status: .pending,
            attempts: (1...attempts).map { number in
                AttemptRecord(
                    jobID: Fixture.job(n), number: number, worker: a, startedAt: Date(timeIntervalSince1970: 0),
                    endedAt: Date(timeIntervalSince1970: 1), outcome: .error, error: "boom")
            },
            retryBase: attempts)
    }

    @Test func failedJob_isRequeuedWithAFreshBudget_andRunsAsItsNextAttempt() {
        var s = Scheduler(configuration: configuration)
        _ = s.sweepSubmitted(Fixture.sweep("s", jobs: [0], maxAttempts: 1), at: Fixture.at(0))
        _ = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(0))
        let failure = s.jobFailure(a, job: Fixture.job(0), attempt: 1, error: "boom", at: Fixture.at(1))
        #expect(failure.contains(.persist(.jobFailed(job: Fixture.job(0), error: "boom"))))
        #expect(s.progress(of: Fixture.sweepID("s"))?.finished == true)

        var record = Fixture.record("s", maxAttempts: 2)
        record.finishedAt = nil
        let actions = s.retry(StoredSweep(record: record, jobs: [retried(0, attempts: 1)]), reopen: false, at: Fixture.at(2))
        #expect(actions.assignments(to: a).map(\.attempt) == [2])
        #expect(s.progress(of: Fixture.sweepID("s"))?.finished == false)
        #expect(s.invariantViolations() == [])
        // Two more errors now spend the new budget of 2, not one.
        let second = s.jobFailure(a, job: Fixture.job(0), attempt: 2, error: "boom", at: Fixture.at(3))
        #expect(!second.contains { if case .persist(.jobFailed) = $0 { true } else { false } })
        #expect(second.assignments(to: a).map(\.attempt) == [3])
        let third = s.jobFailure(a, job: Fixture.job(0), attempt: 3, error: "boom", at: Fixture.at(4))
        #expect(third.contains(.persist(.jobFailed(job: Fixture.job(0), error: "boom"))))
    }

    @Test func sweepUnknownAfterARestart_isRegisteredWithItsRequeuedJobs() {
        var s = Scheduler(configuration: configuration)
        var record = Fixture.record("old", maxAttempts: 3)
        record.finishedAt = nil
        let actions = s.retry(StoredSweep(record: record, jobs: [retried(7, attempts: 3)]), reopen: false, at: Fixture.at(0))
        #expect(actions.isEmpty || actions.allSatisfy { !$0.isPersistence })
        #expect(s.progress(of: Fixture.sweepID("old"))?.counts[.pending] == 1)
        let hello = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(1))
        // Three errors before the retry do not count: attempt 4 runs.
        #expect(hello.assignments(to: a).map(\.attempt) == [4])
        #expect(s.invariantViolations() == [])
    }

    @Test func cancelledSweep_reopens_andItsCancelledJobsRunAgain() {
        var s = Scheduler(configuration: configuration)
        _ = s.sweepSubmitted(Fixture.sweep("c", jobs: [0, 1]), at: Fixture.at(0))
        _ = s.cancel(Fixture.sweepID("c"), at: Fixture.at(1))
        #expect(s.progress(of: Fixture.sweepID("c"))?.counts[.cancelled] == 2)
        let jobs = [0, 1].map { JobRecord(id: Fixture.job($0), index: $0, parameters: Fixture.parameters, status: .pending) }
        _ = s.retry(StoredSweep(record: Fixture.record("c"), jobs: jobs), reopen: true, at: Fixture.at(2))
        let hello = s.workerHello(a, slots: 2, running: [], finished: [], at: Fixture.at(3))
        #expect(hello.assignments(to: a).map(\.job) == [0, 1].map(Fixture.job))
        #expect(s.invariantViolations() == [])
    }
}
