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

    @Test func slicedRetry_keepsTheSweepOpenUntilItEnds_evenWhenEveryHeldJobIsFinal() {
        var s = Scheduler(configuration: configuration)
        _ = s.sweepSubmitted(Fixture.sweep("s", jobs: [0, 1], maxAttempts: 1), at: Fixture.at(0))
        _ = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(0))
        _ = s.jobFailure(a, job: Fixture.job(0), attempt: 1, error: "boom", at: Fixture.at(1))
        _ = s.jobFailure(a, job: Fixture.job(1), attempt: 1, error: "boom", at: Fixture.at(2))
        #expect(s.progress(of: Fixture.sweepID("s"))?.finished == true)
        var record = Fixture.record("s", maxAttempts: 2)
        record.finishedAt = nil
        var awaiting = JobStatusCounts()
        awaiting[.failed] = 2
        _ = s.beginRetry(record, reopen: false, awaiting: awaiting, at: Fixture.at(3))
        #expect(s.progress(of: Fixture.sweepID("s"))?.finished == false)
        // Status counts both jobs pending before any is re-queued.
        #expect(s.progress(of: Fixture.sweepID("s"))?.counts[.pending] == 2)
        #expect(s.progress(of: Fixture.sweepID("s"))?.counts[.failed] == 0)
        // The first slice brings job 0 back; it runs and completes while job 1 still waits to be
        // reached: the sweep must not finish in between.
        var reached = JobStatusCounts()
        reached[.failed] = 1
        let first = s.requeued([retried(0, attempts: 1)], in: Fixture.sweepID("s"), reached: reached, at: Fixture.at(4))
        #expect(first.assignments(to: a).map(\.attempt) == [2])
        let done = s.jobResult(a, job: Fixture.job(0), attempt: 2, result: Fixture.done, at: Fixture.at(5))
        #expect(!done.contains(.persist(.sweepFinished(Fixture.sweepID("s")))))
        #expect(s.progress(of: Fixture.sweepID("s"))?.finished == false)
        #expect(s.progress(of: Fixture.sweepID("s"))?.counts[.pending] == 1)
        #expect(s.invariantViolations() == [])
        // The last slice found nothing more (job 1 got a result meanwhile, say): the end shows
        // it as it is, and finishes the sweep.
        _ = s.requeued([], in: Fixture.sweepID("s"), at: Fixture.at(6))
        let ended = s.retryEnded(Fixture.sweepID("s"), at: Fixture.at(7))
        #expect(ended.contains(.persist(.sweepFinished(Fixture.sweepID("s")))))
        #expect(s.progress(of: Fixture.sweepID("s"))?.counts[.failed] == 1)
        #expect(s.invariantViolations() == [])
    }

    @Test func restoredSweepWithARetryUnderWay_staysOpen_untilTheRetryEnds() {
        var record = Fixture.record("r", maxAttempts: 2)
        record.finishedAt = nil
        let (restored, actions) = Scheduler.restored(
            from: [StoredSweep(record: record, jobs: [], awaitingRetry: JobStatusCounts())], configuration: configuration, now: .zero)
        var s = restored
        #expect(!actions.contains(.persist(.sweepFinished(Fixture.sweepID("r")))))
        #expect(s.progress(of: Fixture.sweepID("r"))?.finished == false)
        _ = s.requeued([retried(3, attempts: 2)], in: Fixture.sweepID("r"), at: Fixture.at(1))
        #expect(s.retryEnded(Fixture.sweepID("r"), at: Fixture.at(2)).isEmpty)
        #expect(s.progress(of: Fixture.sweepID("r"))?.counts[.pending] == 1)
        #expect(s.invariantViolations() == [])
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
