import Foundation
import SweepModel
import SweepStore
import Testing
@testable import Coordinator

/// One test per scheduling rule, driven by hand with a fake clock.
@Suite struct SchedulerRuleTests {
    let a = Fixture.worker("a")
    let b = Fixture.worker("b")
    /// The rules below count leases with a prefetch of 2 per worker, whatever the defaults are.
    let ruleConfiguration: SchedulerConfiguration = {
        var configuration = SchedulerConfiguration()
        configuration.prefetchPerWorker = 2
        configuration.maxPrefetchPerWorker = 2
        return configuration
    }()

    /// A scheduler with one sweep of `jobs` pending jobs.
    func scheduler(jobs: Int, maxAttempts: Int = 3, timeout: Double = 0) -> Scheduler {
        var s = Scheduler(configuration: ruleConfiguration)
        _ = s.sweepSubmitted(Fixture.sweep("s", jobs: Array(0..<jobs), maxAttempts: maxAttempts, timeout: timeout), at: Fixture.at(0))
        return s
    }

    @Test func hello_assignsSlotsPlusPrefetch_inPlanOrder() {
        var s = scheduler(jobs: 10)
        let actions = s.workerHello(a, slots: 2, running: [], finished: [], at: Fixture.at(0))
        #expect(actions.assignments(to: a).map(\.job) == (0..<4).map(Fixture.job))
        #expect(actions.assignments(to: a).allSatisfy { $0.attempt == 1 })
        #expect(actions.filter { if case .persist(.attemptStarted) = $0 { true } else { false } }.count == 4)
        #expect(actions.persistenceFirst)
        #expect(s.invariantViolations().isEmpty)
    }

    @Test func result_isPersistedBeforeItsAck_andFreesRoomForTheNextJob() {
        var s = scheduler(jobs: 10)
        _ = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(0))
        let actions = s.jobResult(a, job: Fixture.job(0), attempt: 1, result: Fixture.done, at: Fixture.at(0.1))
        let persistIndex = actions.firstIndex(of: .persist(.resultRecorded(job: Fixture.job(0), attempt: 1, result: Fixture.done)))
        let ackIndex = actions.firstIndex(of: .sendAck(worker: a, jobs: [Fixture.job(0)]))
        #expect(persistIndex != nil && ackIndex != nil && persistIndex! < ackIndex!)
        #expect(actions.assignments(to: a).map(\.job) == [Fixture.job(3)])
        #expect(s.status(of: Fixture.job(0)) == .clustered)
    }

    @Test func sweeps_areServedInSubmissionOrder() {
        var s = Scheduler(configuration: ruleConfiguration)
        _ = s.sweepSubmitted(Fixture.sweep("first", jobs: [1, 2]), at: Fixture.at(0))
        _ = s.sweepSubmitted(Fixture.sweep("second", jobs: [3, 4]), at: Fixture.at(0))
        let actions = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(0))
        #expect(actions.assignments(to: a).map(\.job) == [1, 2, 3].map(Fixture.job))
    }

    @Test func sharedJob_runsOnce_andCountsForBothSweeps() {
        var s = Scheduler(configuration: ruleConfiguration)
        _ = s.sweepSubmitted(Fixture.sweep("x", jobs: [1, 2]), at: Fixture.at(0))
        _ = s.sweepSubmitted(Fixture.sweep("y", jobs: [2, 3]), at: Fixture.at(0))
        let hello = s.workerHello(a, slots: 5, running: [], finished: [], at: Fixture.at(0))
        #expect(hello.assignments(to: a).map(\.job) == [1, 2, 3].map(Fixture.job))
        let done = s.jobResult(a, job: Fixture.job(2), attempt: 1, result: Fixture.done, at: Fixture.at(1))
        #expect(s.progress(of: Fixture.sweepID("x"))?.counts[.clustered] == 1)
        #expect(s.progress(of: Fixture.sweepID("y"))?.counts[.clustered] == 1)
        #expect(!done.contains { if case .persist(.sweepFinished) = $0 { true } else { false } })
    }

    @Test func sweepFinished_isPersistedOnce_whenItsLastJobIsFinal() {
        var s = scheduler(jobs: 2)
        _ = s.workerHello(a, slots: 2, running: [], finished: [], at: Fixture.at(0))
        let first = s.jobResult(a, job: Fixture.job(0), attempt: 1, result: Fixture.done, at: Fixture.at(1))
        let last = s.jobResult(a, job: Fixture.job(1), attempt: 1, result: Fixture.done, at: Fixture.at(1))
        #expect(!first.contains(.persist(.sweepFinished(Fixture.sweepID("s")))))
        #expect(last.contains(.persist(.sweepFinished(Fixture.sweepID("s")))))
        #expect(s.progress(of: Fixture.sweepID("s"))?.finished == true)
    }

    @Test func duplicateResult_isLoggedAndAcked_butNotPersisted() {
        var s = scheduler(jobs: 1)
        _ = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(0))
        _ = s.jobResult(a, job: Fixture.job(0), attempt: 1, result: Fixture.done, at: Fixture.at(1))
        let again = s.jobResult(a, job: Fixture.job(0), attempt: 1, result: Fixture.done, at: Fixture.at(2))
        #expect(!again.contains { $0.isPersistence })
        #expect(again.contains(.logDuplicate(worker: a, job: Fixture.job(0), attempt: 1)))
        #expect(again.acks(to: a) == [Fixture.job(0)])
    }

    @Test func lateResult_afterAStall_isRecorded_andTheCompetingAttemptAborted() {
        var s = scheduler(jobs: 1)
        _ = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(0))
        _ = s.workerHello(b, slots: 1, running: [], finished: [], at: Fixture.at(1))  // waits for work
        _ = s.workerHeartbeat(b, at: Fixture.at(3))
        let stall = s.tick(Fixture.at(3.5))  // a stopped (SIGSTOP) and is declared dead
        #expect(stall.contains(.logWorkerDead(worker: a)))
        #expect(stall.assignments(to: b).map(\.attempt) == [2])
        // a resumes: its late result is refused until it says hello again, then recorded once.
        #expect(s.jobResult(a, job: Fixture.job(0), attempt: 1, result: Fixture.done, at: Fixture.at(4)) == [.sendReconnect(worker: a)])
        let late = s.workerHello(
            a, slots: 1, running: [], finished: [.completed(CompletedJob(job: Fixture.job(0), attempt: 1, result: Fixture.done))], at: Fixture.at(4.1))
        #expect(late.contains(.persist(.resultRecorded(job: Fixture.job(0), attempt: 1, result: Fixture.done))))
        #expect(late.contains { if case .persist(.attemptEnded(Fixture.job(0), 2, .released, _)) = $0 { true } else { false } })
        #expect(late.aborts(to: b) == [Fixture.job(0)])
        #expect(late.acks(to: a) == [Fixture.job(0)])
        #expect(late.persistenceFirst)
        #expect(s.leaseHolder(of: Fixture.job(0)) == nil)
        // b's result for attempt 2 arrives anyway: a duplicate, not recorded.
        let dup = s.jobResult(b, job: Fixture.job(0), attempt: 2, result: Fixture.done, at: Fixture.at(4.2))
        #expect(dup.contains(.logDuplicate(worker: b, job: Fixture.job(0), attempt: 2)) && !dup.contains { $0.isPersistence })
        #expect(s.invariantViolations().isEmpty)
    }

    @Test func result_isRejected_whenTheAttemptWasNeverIssuedToThatWorker() {
        var s = scheduler(jobs: 1)
        _ = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(0))
        _ = s.workerHello(b, slots: 1, running: [], finished: [], at: Fixture.at(0))
        for attempt in [1, 2, -7, Int.max] {
            let actions = s.jobResult(b, job: Fixture.job(0), attempt: attempt, result: Fixture.done, at: Fixture.at(1))
            #expect(actions.contains(.logRejected(worker: b, job: Fixture.job(0), attempt: attempt, reason: .attemptNotIssuedToWorker)))
            #expect(!actions.contains { $0.isPersistence })
        }
        let unknown = s.jobResult(b, job: Fixture.job(99), attempt: 1, result: Fixture.done, at: Fixture.at(1))
        #expect(unknown.contains(.logRejected(worker: b, job: Fixture.job(99), attempt: 1, reason: .unknownJob)))
        #expect(s.status(of: Fixture.job(0)) == .running)
    }

    @Test func unknownWorker_isAskedToReconnect_atMostOncePerInterval() {
        var s = scheduler(jobs: 1)
        #expect(s.workerHeartbeat(a, at: Fixture.at(0)) == [.sendReconnect(worker: a)])
        #expect(s.jobResult(a, job: Fixture.job(0), attempt: 1, result: Fixture.done, at: Fixture.at(0.5)) == [])
        #expect(s.workerHeartbeat(a, at: Fixture.at(1.2)) == [.sendReconnect(worker: a)])
        #expect(s.status(of: Fixture.job(0)) == .pending)
    }

    @Test func silentWorker_losesItsLeases_afterThreeMissedIntervals() {
        var s = scheduler(jobs: 2)
        _ = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(0))
        #expect(s.tick(Fixture.at(2.9)).contains { if case .persist(.attemptEnded) = $0 { true } else { false } } == false)
        let actions = s.tick(Fixture.at(3.1))
        #expect(actions.contains(.logWorkerDead(worker: a)))
        #expect(actions.filter { if case .persist(.attemptEnded(_, 1, .expired, _)) = $0 { true } else { false } }.count == 2)
        #expect(s.status(of: Fixture.job(0)) == .pending && !s.isLive(a))
        #expect(s.invariantViolations().isEmpty)
    }

    @Test func jobTimeout_expiresTheLease_andAbortsTheJobOnItsWorker() throws {
        var s = scheduler(jobs: 1, timeout: 2)
        _ = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(0))
        _ = s.jobProgress(a, job: Fixture.job(0), attempt: 1, at: Fixture.at(1))  // timeout counts from here
        #expect(s.tick(Fixture.at(2.5)).aborts(to: a).isEmpty)
        _ = s.workerHeartbeat(a, at: Fixture.at(2.9))
        let actions = s.tick(Fixture.at(3.1))
        #expect(actions.aborts(to: a) == [Fixture.job(0)])
        #expect(actions.assignments(to: a).map(\.attempt) == [2])  // back in the queue, same worker free
        let abortIndex = try #require(actions.firstIndex { if case .sendAbort = $0 { true } else { false } })
        let assignIndex = try #require(actions.firstIndex { if case .sendAssign = $0 { true } else { false } })
        #expect(abortIndex < assignIndex)
    }

    @Test func failures_failTheJob_afterMaxAttempts_keepingTheLastError() {
        var s = scheduler(jobs: 1, maxAttempts: 2)
        _ = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(0))
        let first = s.jobFailure(a, job: Fixture.job(0), attempt: 1, error: "boom 1", at: Fixture.at(1))
        // The store requeues the job with the attempt's end: no separate change.
        #expect(first.contains(.persist(.attemptEnded(job: Fixture.job(0), number: 1, outcome: .error, error: "boom 1"))))
        #expect(first.assignments(to: a).map(\.attempt) == [2])
        let second = s.jobFailure(a, job: Fixture.job(0), attempt: 2, error: "boom 2", at: Fixture.at(2))
        #expect(second.contains(.persist(.jobFailed(job: Fixture.job(0), error: "boom 2"))))
        #expect(second.contains(.persist(.sweepFinished(Fixture.sweepID("s")))))
        #expect(second.assignments(to: a).isEmpty)
        #expect(s.status(of: Fixture.job(0)) == .failed && s.attemptsIssued(for: Fixture.job(0)) == 2)
    }

    @Test func cancel_abortsRunningJobs_exceptThoseALiveSweepShares() {
        var s = Scheduler(configuration: ruleConfiguration)
        _ = s.sweepSubmitted(Fixture.sweep("x", jobs: [1, 2, 3]), at: Fixture.at(0))
        _ = s.sweepSubmitted(Fixture.sweep("y", jobs: [2]), at: Fixture.at(0))
        _ = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(0))  // holds 1, 2, 3
        let actions = s.cancel(Fixture.sweepID("x"), at: Fixture.at(1))
        #expect(actions.contains(.persist(.sweepCancelled(Fixture.sweepID("x")))))
        #expect(actions.contains(.persist(.jobsCancelled([Fixture.job(1), Fixture.job(3)]))))
        #expect(actions.aborts(to: a) == [Fixture.job(1), Fixture.job(3)])
        #expect(s.status(of: Fixture.job(2)) == .running)
        #expect(s.jobResult(a, job: Fixture.job(1), attempt: 1, result: Fixture.done, at: Fixture.at(2))
            .contains(.logRejected(worker: a, job: Fixture.job(1), attempt: 1, reason: .jobAlreadyFinal(.cancelled))))
        #expect(s.invariantViolations().isEmpty)
    }

    @Test func newSweep_reopensACancelledJob() {
        var s = Scheduler(configuration: ruleConfiguration)
        _ = s.sweepSubmitted(Fixture.sweep("x", jobs: [1]), at: Fixture.at(0))
        _ = s.cancel(Fixture.sweepID("x"), at: Fixture.at(0))
        let actions = s.sweepSubmitted(Fixture.sweep("y", jobs: [1]), at: Fixture.at(1))
        // The store reopened it when the sweep was submitted: the scheduler writes nothing more.
        #expect(!actions.contains { if case .persist = $0 { true } else { false } })
        #expect(s.status(of: Fixture.job(1)) == .pending)
        #expect(s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(1)).assignments(to: a).count == 1)
    }

    @Test func goodbye_releasesHeldJobs_withoutChargingAnAttempt() {
        var s = scheduler(jobs: 1, maxAttempts: 1)
        _ = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(0))
        let bye = s.workerGoodbye(a, at: Fixture.at(1))
        #expect(bye.contains(.persist(.attemptEnded(job: Fixture.job(0), number: 1, outcome: .released, error: "worker a left"))))
        #expect(s.status(of: Fixture.job(0)) == .pending)
        #expect(s.workerHello(b, slots: 1, running: [], finished: [], at: Fixture.at(1)).assignments(to: b).map(\.attempt) == [2])
    }

    @Test func hello_releasesLeasesTheWorkerDoesNotList_andAbortsJobsItShouldNotHold() {
        var s = scheduler(jobs: 2)
        _ = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(0))
        let again = s.workerHello(
            a, slots: 0, running: [JobAttempt(job: Fixture.job(0), attempt: 1), JobAttempt(job: Fixture.job(7), attempt: 1)],
            finished: [], at: Fixture.at(1))
        #expect(again.contains { if case .persist(.attemptEnded(Fixture.job(1), 1, .released, _)) = $0 { true } else { false } })
        #expect(again.aborts(to: a) == [Fixture.job(7)])
        #expect(s.leaseHolder(of: Fixture.job(0))?.worker == a)
        #expect(s.invariantViolations().isEmpty)
    }

    @Test func credit_capsHowManyJobsAWorkerHolds() {
        var s = scheduler(jobs: 10)
        _ = s.workerCredit(a, window: 0, at: Fixture.at(0))  // unknown: reconnect
        _ = s.workerHello(a, slots: 4, running: [], finished: [], at: Fixture.at(0))
        _ = s.workerCredit(a, window: 0, at: Fixture.at(0.1))
        let actions = s.jobResult(a, job: Fixture.job(0), attempt: 1, result: Fixture.done, at: Fixture.at(0.2))
        #expect(actions.assignments(to: a).isEmpty)
        // The window is min(credit, slots + prefetch) = 6 and 5 are held.
        #expect(s.workerCredit(a, window: 7, at: Fixture.at(0.3)).assignments(to: a).count == 1)
    }

    @Test func credit_mayHoldMoreThanTheFirstPrefetch_upToItsCap_inOneAssignment() {
        var configuration = SchedulerConfiguration()
        configuration.prefetchPerWorker = 2
        configuration.maxPrefetchPerWorker = 20
        var s = Scheduler(configuration: configuration)
        _ = s.sweepSubmitted(Fixture.sweep("s", jobs: Array(0..<100), maxAttempts: 3, timeout: 0), at: Fixture.at(0))
        // Before the worker's credit: slots + prefetch.
        #expect(s.workerHello(a, slots: 2, running: [], finished: [], at: Fixture.at(0)).assignments(to: a).count == 4)
        // A credit of 50 is capped at slots + 20; the 18 more leave in one assignment.
        let credited = s.workerCredit(a, window: 50, at: Fixture.at(0.1))
        #expect(credited.assignments(to: a).count == 18)
        #expect(credited.filter { if case .sendAssign = $0 { true } else { false } }.count == 1)
        #expect(s.leaseCount(of: a) == 22)
        #expect(s.invariantViolations().isEmpty)
    }

    @Test func hostileHello_isClamped() {
        var s = scheduler(jobs: 3000)
        let actions = s.workerHello(a, slots: Int.max, running: [], finished: [], at: Fixture.at(0))
        #expect(actions.assignments(to: a).count == 1024 + 2)
        #expect(s.workerHello(b, slots: -5, running: [], finished: [], at: Fixture.at(0)).assignments(to: b).isEmpty)
    }

    @Test func heartbeats_goOnlyToWorkersSentNothingForAnInterval() {
        var s = scheduler(jobs: 0)
        _ = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(0))
        #expect(s.tick(Fixture.at(0.5)) == [])
        _ = s.workerHeartbeat(a, at: Fixture.at(0.9))
        #expect(s.tick(Fixture.at(1.0)) == [.sendHeartbeat(worker: a)])
        #expect(s.tick(Fixture.at(1.5)) == [])
    }

    @Test func restore_keepsDoneJobs_andContinuesALeaseWhenItsWorkerComesBack() {
        let (s0, _) = Scheduler.restored(from: [restoredSweep()], now: Fixture.at(100))
        var s = s0
        #expect(s.status(of: Fixture.job(0)) == .clustered)
        #expect(s.leaseHolder(of: Fixture.job(1))?.provisional == true)
        #expect(s.workerHeartbeat(a, at: Fixture.at(100.5)) == [.sendReconnect(worker: a)])
        let hello = s.workerHello(a, slots: 1, running: [JobAttempt(job: Fixture.job(1), attempt: 2)], finished: [], at: Fixture.at(101))
        #expect(hello.assignments(to: a).map(\.job) == [Fixture.job(2)])
        #expect(s.leaseHolder(of: Fixture.job(1))?.provisional == false)
        let done = s.jobResult(a, job: Fixture.job(1), attempt: 2, result: Fixture.done, at: Fixture.at(102))
        #expect(done.contains(.persist(.resultRecorded(job: Fixture.job(1), attempt: 2, result: Fixture.done))))
        #expect(s.invariantViolations().isEmpty)
    }

    @Test func restore_expiresAProvisionalLease_whenItsWorkerStaysAway() {
        let (s0, _) = Scheduler.restored(from: [restoredSweep()], now: Fixture.at(100))
        var s = s0
        #expect(s.tick(Fixture.at(109)).isEmpty)
        let actions = s.tick(Fixture.at(110.1))
        #expect(actions.contains { if case .persist(.attemptEnded(Fixture.job(1), 2, .expired, _)) = $0 { true } else { false } })
        #expect(s.status(of: Fixture.job(1)) == .pending)
        let hello = s.workerHello(b, slots: 1, running: [], finished: [], at: Fixture.at(111))
        #expect(hello.assignments(to: b).map(\.attempt) == [3, 1])
    }

    @Test func restore_requeuesUncharged_anAssignmentLostInTheCrash() {
        // Attempt 2 of job 1 was committed, then the coordinator died before sending it.
        let (s0, _) = Scheduler.restored(from: [restoredSweep()], now: Fixture.at(100))
        var s = s0
        let hello = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(101))
        #expect(hello.contains(.persist(.attemptEnded(job: Fixture.job(1), number: 2, outcome: .released, error: "worker a no longer held it"))))
        #expect(hello.assignments(to: a).map(\.job) == [Fixture.job(1), Fixture.job(2)])
        #expect(hello.assignments(to: a).map(\.attempt) == [3, 1])
        #expect(s.invariantViolations().isEmpty)
    }

    /// job 0 done, job 1 running as attempt 2 on `a` (attempt 1 expired), job 2 pending.
    func restoredSweep() -> StoredSweep {
        let epoch = Foundation.Date(timeIntervalSince1970: 0)
        return StoredSweep(record: Fixture.record("s"), jobs: [
            JobRecord(id: Fixture.job(0), index: 0, parameters: Fixture.parameters, status: .clustered,
                attempts: [AttemptRecord(jobID: Fixture.job(0), number: 1, worker: b, startedAt: epoch, outcome: .completed)],
                result: Fixture.done),
            JobRecord(id: Fixture.job(1), index: 1, parameters: Fixture.parameters, status: .running, attempts: [
                AttemptRecord(jobID: Fixture.job(1), number: 1, worker: b, startedAt: epoch, outcome: .expired, error: "gone"),
                AttemptRecord(jobID: Fixture.job(1), number: 2, worker: a, startedAt: epoch),
            ]),
            JobRecord(id: Fixture.job(2), index: 2, parameters: Fixture.parameters, status: .pending),
        ])
    }
}
