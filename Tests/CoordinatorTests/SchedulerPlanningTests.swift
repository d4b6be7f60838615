import Foundation
import SweepModel
import SweepStore
import Testing
@testable import Coordinator

/// Lazily planned sweeps: unplanned positions count as pending, are planned within the window,
/// and a sweep finishes only when every position ran.
@Suite struct SchedulerPlanningTests {
    let a = Fixture.worker("a")
    let id = Fixture.sweepID("lazy")

    func scheduler(window: Int) -> Scheduler {
        var configuration = SchedulerConfiguration()
        configuration.prefetchPerWorker = 0
        configuration.planningWindow = window
        return Scheduler(configuration: configuration)
    }

    /// A sweep of `total` positions, none planned.
    func lazySweep(total: Int, cancelled: Bool = false) -> StoredSweep {
        var record = Fixture.record("lazy", cancelled: cancelled)
        record.jobCount = total
        record.plannedJobs = 0
        return StoredSweep(record: record, jobs: [])
    }

    func records(_ positions: Range<Int>, status: JobStatus = .pending) -> [JobRecord] {
        positions.map { JobRecord(id: Fixture.job($0), index: $0, parameters: Fixture.parameters, status: status) }
    }

    @Test func unplannedPositions_arePending_andPlannedWithinTheWindow() {
        var s = scheduler(window: 3)
        _ = s.sweepSubmitted(lazySweep(total: 10), at: Fixture.at(0))
        #expect(s.progress(of: id)?.counts[.pending] == 10)
        #expect(s.progress(of: id)?.finished == false)
        let wanted = s.planningWanted(limit: 100)
        #expect(wanted?.sweep == id && wanted?.positions == 0..<3)
        #expect(s.planningWanted(limit: 2)?.positions == 0..<2)
        _ = s.jobsPlanned(records(0..<3), in: id, at: Fixture.at(1))
        #expect(s.planningWanted(limit: 100) == nil)  // the window is full
        #expect(s.progress(of: id)?.counts[.pending] == 10)
        #expect(s.unplannedJobs(of: id) == 7)
        // A slice that does not continue the plan is ignored.
        #expect(s.jobsPlanned(records(5..<6), in: id, at: Fixture.at(1)).isEmpty)
        #expect(s.unplannedJobs(of: id) == 7)
        // Dispatching frees room in the window.
        let hello = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(2))
        #expect(hello.assignments(to: a).map(\.job) == [Fixture.job(0)])
        #expect(s.planningWanted(limit: 100)?.positions == 3..<4)
        #expect(s.invariantViolations() == [])
    }

    @Test func window_isRefilledInBatches_andTheSweepsTailAtOnce() {
        var configuration = scheduler(window: 10).configuration
        configuration.planningBatch = 4
        var s = Scheduler(configuration: configuration)
        _ = s.sweepSubmitted(lazySweep(total: 16), at: Fixture.at(0))
        #expect(s.planningWanted(limit: 100)?.positions == 0..<10)
        #expect(s.planningWanted(limit: 6)?.positions == 0..<6)
        _ = s.jobsPlanned(records(0..<10), in: id, at: Fixture.at(1))
        // Three jobs leave the window: too little room for a batch.
        _ = s.workerHello(a, slots: 3, running: [], finished: [], at: Fixture.at(2))
        #expect(s.planningWanted(limit: 100) == nil)
        #expect(s.planningWanted(limit: 1) == nil)
        // A fourth: room for a batch, and the limit still applies.
        _ = s.jobResult(a, job: Fixture.job(0), attempt: 1, result: Fixture.done, at: Fixture.at(3))
        #expect(s.planningWanted(limit: 100)?.positions == 10..<14)
        #expect(s.planningWanted(limit: 2)?.positions == 10..<12)
        _ = s.jobsPlanned(records(10..<14), in: id, at: Fixture.at(4))
        // Two positions are left, fewer than a batch: planned as soon as there is room for them.
        for job in 1...2 {
            _ = s.jobResult(a, job: Fixture.job(job), attempt: 1, result: Fixture.done, at: Fixture.at(5))
        }
        #expect(s.planningWanted(limit: 100)?.positions == 14..<16)
        #expect(s.invariantViolations() == [])
    }

    @Test func sweep_finishesOnlyWhenEveryPositionWasPlannedAndRan() {
        var s = scheduler(window: 100)
        _ = s.sweepSubmitted(lazySweep(total: 4), at: Fixture.at(0))
        _ = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(0))
        var finishedActions: [SchedulerAction] = []
        var planned = 0
        for step in 0..<4 {
            if step % 2 == 0 {
                planned += 2
                _ = s.jobsPlanned(records((planned - 2)..<planned), in: id, at: Fixture.at(Double(step)))
            }
            let actions = s.jobResult(a, job: Fixture.job(step), attempt: 1, result: Fixture.done, at: Fixture.at(Double(step) + 0.5))
            if step == 1 {
                // Everything planned so far ran; two positions remain.
                #expect(!actions.contains(.persist(.sweepFinished(id))))
                #expect(s.progress(of: id)?.finished == false)
            }
            finishedActions += actions
            #expect(s.invariantViolations() == [])
        }
        #expect(finishedActions.filter { $0 == .persist(.sweepFinished(id)) }.count == 1)
        #expect(s.progress(of: id)?.counts[.clustered] == 4)
    }

    @Test func plannedJobAlreadyDoneElsewhere_countsDone_withoutRunning() {
        var s = scheduler(window: 100)
        _ = s.sweepSubmitted(lazySweep(total: 2), at: Fixture.at(0))
        var shared = records(0..<2)
        shared[0].status = .clustered
        _ = s.jobsPlanned(shared, in: id, at: Fixture.at(1))
        let hello = s.workerHello(a, slots: 2, running: [], finished: [], at: Fixture.at(1))
        #expect(hello.assignments(to: a).map(\.job) == [Fixture.job(1)])
        #expect(s.progress(of: id)?.counts[.clustered] == 1)
        #expect(s.invariantViolations() == [])
    }

    @Test func cancel_cancelsUnplannedPositions_andRetryReopensThem() {
        var s = scheduler(window: 100)
        _ = s.sweepSubmitted(lazySweep(total: 10), at: Fixture.at(0))
        _ = s.jobsPlanned(records(0..<4), in: id, at: Fixture.at(1))
        let cancel = s.cancel(id, at: Fixture.at(2))
        #expect(cancel.contains(.persist(.sweepFinished(id))))
        #expect(s.progress(of: id)?.counts[.cancelled] == 10)
        #expect(s.planningWanted(limit: 100) == nil)
        #expect(s.invariantViolations() == [])

        var record = lazySweep(total: 10).record
        record.plannedJobs = 4
        _ = s.retry(StoredSweep(record: record, jobs: records(0..<4)), reopen: true, at: Fixture.at(3))
        #expect(s.progress(of: id)?.counts[.pending] == 10)
        #expect(s.progress(of: id)?.finished == false)
        #expect(s.planningWanted(limit: 100)?.positions == 4..<10)
        #expect(s.invariantViolations() == [])
    }

    @Test func restoredSweep_resumesPlanningWhereTheStoreStopped() {
        var record = lazySweep(total: 10).record
        record.plannedJobs = 6
        let (s, actions) = Scheduler.restored(
            from: [StoredSweep(record: record, jobs: records(4..<6))], configuration: scheduler(window: 100).configuration,
            now: Fixture.at(0))
        #expect(!actions.contains(.persist(.sweepFinished(id))))
        #expect(s.planningWanted(limit: 100)?.positions == 6..<10)
        #expect(s.progress(of: id)?.counts[.pending] == 6)  // 2 open planned + 4 unplanned
    }
}
