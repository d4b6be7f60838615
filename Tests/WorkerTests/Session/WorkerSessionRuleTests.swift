import SweepModel
import SweepWire
import Testing
@testable import Worker
import TrainingCore

/// One test per rule of `WorkerSession`, without sockets or threads: events in, actions out, the
/// clock moved by hand. Each step also checks the session's own invariants (`SessionDriver`).
@Suite struct WorkerSessionRuleTests {
    typealias F = SessionFixture

    // MARK: Registration

    @Test func start_connectsAndSaysHelloWithItsSlots() {
        var driver = SessionDriver()
        let actions = driver.on(.start)
        #expect(actions.first == .connect)
        #expect(actions.hellos.map(\.slots) == [2])
        #expect(actions.hellos.first?.worker == F.worker)
        #expect(actions.notices == [.starting(worker: F.worker, endpoint: "tcp://coordinator:5555", slots: 2)])
    }

    @Test func ready_isSentOnlyAfterTheWelcome_andAgainOnlyWhenWantsChange() {
        var driver = SessionDriver()
        _ = driver.on(.start)
        #expect(driver.on(.tick).readies.isEmpty)
        let welcome = driver.on(F.welcome())
        #expect(welcome.notices == [.welcomed(worker: F.worker, kept: 0)])
        #expect(driver.on(.tick).readies == [.init(wants: 4, received: 0)])  // 2 slots + 1 per slot
        #expect(driver.on(.tick).readies.isEmpty)
    }

    @Test func reconnectMessage_sendsANewHelloOnTheSameConnection() {
        var driver = SessionDriver.welcomed()
        let actions = driver.on(.received(.reconnect))
        #expect(actions.notices == [.reconnectRequested])
        #expect(actions.hellos.count == 1)
        #expect(!actions.contains(.connect))
        #expect(!driver.session.welcomed)
    }

    @Test func hello_listsRunningQueuedAndUnacknowledgedAttempts() throws {
        var driver = SessionDriver.welcomed()
        _ = driver.on(.assigned([try F.job(1), try F.job(2), try F.job(3)]))
        let started = driver.on(.tick)
        let slotOf = Dictionary(uniqueKeysWithValues: started.runs.map { ($0.0, $0.1) })
        _ = driver.on(.slotFinished(slot: try #require(slotOf[F.attempt(1)]), try F.result(1)))
        _ = driver.on(.slotFailed(slot: try #require(slotOf[F.attempt(2)]), F.failure(2)))
        let hello = try #require(driver.on(.received(.reconnect)).hellos.first)
        #expect(hello.running == [F.attempt(3)])
        #expect(hello.finished.map(\.jobAttempt) == [F.attempt(1)])
        #expect(hello.failed == [F.failure(2)])
        // Everything unacknowledged travelled in the hello: nothing is sent again after the welcome.
        _ = driver.on(F.welcome(keep: [F.attempt(3)]))
        let afterWelcome = driver.on(.tick)
        #expect(afterWelcome.resultBatches.isEmpty)
        #expect(!afterWelcome.sent.contains { if case .failures = $0 { true } else { false } })
    }

    // MARK: Assignments and flow control

    @Test func assignedJobs_runOnIdleSlots_theRestWait_andReadyCountsThem() throws {
        var driver = SessionDriver.welcomed()
        #expect(driver.on(.assigned([try F.job(1), try F.job(2), try F.job(3)])).isEmpty)
        let actions = driver.on(.tick)
        #expect(actions.runs.map(\.0) == [F.attempt(1), F.attempt(2)])
        #expect(Set(actions.runs.map(\.1)) == [0, 1])
        #expect(actions.readies == [.init(wants: 1, received: 3)])
        #expect(driver.session.queue.map(\.jobAttempt) == [F.attempt(3)])
    }

    @Test func assignedJob_alreadyHeld_isNotTakenTwice_butCountsAsReceived() throws {
        var driver = SessionDriver.welcomed()
        _ = driver.on(.assigned([try F.job(1)]))
        _ = driver.on(.tick)
        _ = driver.on(.assigned([try F.job(1)]))
        let actions = driver.on(.tick)
        #expect(actions.runs.isEmpty)
        #expect(actions.readies == [.init(wants: 3, received: 2)])
        #expect(driver.session.jobsTaken == 1)
    }

    @Test func shortJobs_raiseTheDefaultPrefetch() throws {
        var driver = SessionDriver.welcomed()
        _ = driver.on(.assigned([try F.job(1)]))
        let slot = try #require(driver.on(.tick).runs.first?.1)
        _ = driver.on(.slotFinished(slot: slot, try F.result(1)), after: .milliseconds(10))
        #expect(driver.on(.tick).readies == [.init(wants: 6, received: 1)])  // 2 slots + 2 per slot
    }

    @Test func maxJobs_capsWants_handsBackExtraJobs_andExitsOnceDelivered() throws {
        var driver = SessionDriver.welcomed(F.configuration(maxJobs: 2))
        #expect(driver.session.lastReadyWants == 2)
        _ = driver.on(.assigned([try F.job(1), try F.job(2), try F.job(3)]))
        let started = driver.on(.tick)
        #expect(started.released == [F.attempt(3)])
        #expect(started.readies == [.init(wants: 0, received: 3)])
        for (attempt, slot) in started.runs {
            _ = driver.on(.slotFinished(slot: slot, try F.result(Int(attempt.job.rawValue.dropFirst(4)) ?? 0)))
        }
        let delivered = driver.on(.tick)
        #expect(delivered.resultBatches.map(Set.init) == [[F.attempt(1), F.attempt(2)]])
        #expect(delivered.exit == nil)  // not before the results are acknowledged
        _ = driver.on(.received(.ack(.init([F.attempt(1), F.attempt(2)]))))
        let last = driver.on(.tick)
        #expect(last.sent.last == .goodbye(.init(reason: "maxJobs")))
        #expect(last.exit == .maxJobs)
    }

    // MARK: Results, acknowledgements, redelivery

    @Test func results_areBatchedPerTick_andKeptUntilAcknowledged() throws {
        var driver = SessionDriver.welcomed()
        _ = driver.on(.assigned([try F.job(1), try F.job(2)]))
        let runs = driver.on(.tick).runs
        #expect(driver.on(.slotFinished(slot: runs[0].1, try F.result(1))).isEmpty)
        #expect(driver.on(.slotFinished(slot: runs[1].1, try F.result(2))).isEmpty)
        #expect(driver.on(.tick).resultBatches == [[F.attempt(1), F.attempt(2)]])
        #expect(driver.session.unacked.count == 2)
        _ = driver.on(.received(.ack(.init([F.attempt(1), F.attempt(2)]))))
        #expect(driver.session.unacked.isEmpty && driver.session.lastDelivery.isEmpty)
    }

    @Test func results_waitForCompanyWhileOtherJobsRun_thenLeaveInOneMessageWithTheReady() throws {
        var driver = SessionDriver.welcomed()
        _ = driver.on(.assigned([try F.job(1), try F.job(2), try F.job(3)]))
        let runs = driver.on(.tick).runs
        _ = driver.on(.slotFinished(slot: runs[0].1, try F.result(1)))
        // Job 3 takes the free slot; job 1's result waits, and so does the ready it would free.
        let first = driver.on(.tick)
        #expect(first.runs.map(\.0) == [F.attempt(3)])
        #expect(first.resultBatches.isEmpty && first.readies.isEmpty)
        #expect(driver.session.resultsDueAt == driver.now + .milliseconds(1))
        _ = driver.on(.slotFinished(slot: runs[1].1, try F.result(2)), after: .microseconds(400))
        #expect(driver.on(.tick).resultBatches.isEmpty)
        // Once the linger is over: both results in one message, then the ready.
        let due = driver.on(.tick, after: .microseconds(600))
        #expect(due.resultBatches == [[F.attempt(1), F.attempt(2)]])
        #expect(due.readies.count == 1)
        #expect(driver.session.resultsDueAt == nil)
    }

    @Test func tinyJobs_goToASlotSeveralAtOnce_andTheSlotIsFreeOnceAllEnded() throws {
        var driver = SessionDriver.welcomed(F.configuration(slots: 1))
        _ = driver.on(.assigned([try F.job(1)]))
        #expect(driver.on(.tick).runs.map(\.0) == [F.attempt(1)])  // nothing measured yet: one at a time
        _ = driver.on(.slotFinished(slot: 0, try F.result(1)), after: .microseconds(50))
        _ = driver.on(.tick)
        _ = driver.on(.assigned(try (2...5).map { try F.job($0) }))
        let batch = driver.on(.tick).runs
        #expect(batch.map(\.0) == (2...5).map { F.attempt($0) })
        #expect(Set(batch.map(\.1)) == [0])
        _ = driver.on(.slotFinished(slot: 0, try F.result(2)))
        #expect(driver.session.idleSlots.isEmpty)
        for n in 3...5 { _ = driver.on(.slotFinished(slot: 0, try F.result(n))) }
        #expect(driver.session.idleSlots == [0])
        // Jobs handed over together are timed one after the other, not each from the hand-off.
        #expect((driver.session.averageJobSeconds ?? 1) < 0.001)
    }

    @Test func longerJobs_goToSlotsOneAtATime() throws {
        var driver = SessionDriver.welcomed(F.configuration(slots: 1))
        _ = driver.on(.assigned([try F.job(1)]))
        _ = driver.on(.tick)
        _ = driver.on(.slotFinished(slot: 0, try F.result(1)), after: .milliseconds(20))
        _ = driver.on(.tick)
        _ = driver.on(.assigned([try F.job(2), try F.job(3)]))
        #expect(driver.on(.tick).runs.map(\.0) == [F.attempt(2)])
    }

    @Test func results_neverWait_whenNoOtherJobRuns() throws {
        var driver = SessionDriver.welcomed()
        _ = driver.on(.assigned([try F.job(1)]))
        let slot = try #require(driver.on(.tick).runs.first?.1)
        _ = driver.on(.slotFinished(slot: slot, try F.result(1)))
        #expect(driver.on(.tick).resultBatches == [[F.attempt(1)]])
    }

    @Test func results_neverWait_whileDraining() throws {
        var driver = SessionDriver.welcomed()
        _ = driver.on(.assigned([try F.job(1), try F.job(2)]))
        let runs = driver.on(.tick).runs
        _ = driver.on(.stopRequested)
        _ = driver.on(.slotFinished(slot: runs[0].1, try F.result(1)))
        #expect(driver.on(.tick).resultBatches == [[F.attempt(1)]])
    }

    @Test func failure_isLoggedAndSent_andKeptUntilAcknowledged() throws {
        var driver = SessionDriver.welcomed()
        _ = driver.on(.assigned([try F.job(1)]))
        let slot = try #require(driver.on(.tick).runs.first?.1)
        #expect(driver.on(.slotFailed(slot: slot, F.failure(1))).notices == [.jobFailed(F.failure(1))])
        #expect(driver.on(.tick).sent.contains(.failures(.init([F.failure(1)]))))
        #expect(driver.session.unacked[F.attempt(1)] == .failed(F.failure(1)))
    }

    @Test func unacknowledgedResult_isSentAgain_onlyAfterFiveHeartbeatIntervals() throws {
        var driver = SessionDriver.welcomed()
        _ = driver.on(.assigned([try F.job(1)]))
        let slot = try #require(driver.on(.tick).runs.first?.1)
        _ = driver.on(.slotFinished(slot: slot, try F.result(1)))
        #expect(driver.on(.tick).resultBatches == [[F.attempt(1)]])
        // Keep the coordinator audible so only the redelivery rule is at work.
        _ = driver.on(.received(.heartbeat), after: .seconds(2.5))
        #expect(driver.on(.tick, after: .seconds(2.5)).resultBatches.isEmpty)  // exactly 5 intervals
        #expect(driver.on(.tick, after: .milliseconds(1)).resultBatches == [[F.attempt(1)]])
    }

    // MARK: Heartbeats, silence, reconnection

    @Test func heartbeat_isSentWhenNothingElseWasSentForAnInterval() {
        var driver = SessionDriver.welcomed()
        #expect(!driver.on(.tick, after: .milliseconds(999)).sendsHeartbeat)
        #expect(driver.on(.tick, after: .milliseconds(1)).sendsHeartbeat)
        #expect(!driver.on(.tick, after: .milliseconds(500)).sendsHeartbeat)
    }

    @Test func silentCoordinator_isDropped_andReconnectedWithDoublingBackoff_resetByAWelcome() {
        var driver = SessionDriver.welcomed()
        #expect(!driver.on(.tick, after: .seconds(3)).contains(.disconnect))  // 3 intervals: not yet
        let silent = driver.on(.tick, after: .milliseconds(1))
        #expect(silent.notices == [.coordinatorSilent(backoff: .seconds(1))])
        #expect(silent.contains(.disconnect) && !driver.session.connected)
        #expect(driver.on(.tick, after: .milliseconds(999)).isEmpty)
        let again = driver.on(.tick, after: .milliseconds(1))
        #expect(again.notices.first == .reconnecting(endpoint: "tcp://coordinator:5555"))
        #expect(again.contains(.connect) && again.hellos.count == 1)
        // No welcome: silent again, with twice the backoff, then four times.
        #expect(driver.on(.tick, after: .milliseconds(3001)).notices == [.coordinatorSilent(backoff: .seconds(2))])
        _ = driver.on(.tick, after: .seconds(2))
        #expect(driver.on(.tick, after: .milliseconds(3001)).notices == [.coordinatorSilent(backoff: .seconds(4))])
        _ = driver.on(.tick, after: .seconds(4))
        _ = driver.on(F.welcome())
        #expect(driver.on(.tick, after: .milliseconds(3001)).notices == [.coordinatorSilent(backoff: .seconds(1))])
    }

    @Test func backoff_stopsGrowingAtReconnectMax() {
        var configuration = F.configuration()
        configuration.reconnectMax = .seconds(3)
        var driver = SessionDriver(configuration)
        _ = driver.on(.start)
        var backoffs: [Duration] = []
        for _ in 0..<4 {
            for notice in driver.on(.tick, after: .milliseconds(3001)).notices {
                if case .coordinatorSilent(let backoff) = notice { backoffs.append(backoff) }
            }
            _ = driver.on(.tick, after: .seconds(4))
        }
        #expect(backoffs == [.seconds(1), .seconds(2), .seconds(3), .seconds(3)])
    }

    @Test func unreadableMessage_isDropped_butCountsAsASignOfLife() {
        var driver = SessionDriver.welcomed()
        let dropped = driver.on(.unreadable(.malformed(reason: "test")), after: .seconds(2.5))
        #expect(dropped.notices == [.droppedMessage(.malformed(reason: "test"))])
        #expect(!driver.on(.tick, after: .seconds(1)).contains(.disconnect))
        #expect(driver.on(.tick, after: .seconds(2.1)).contains(.disconnect))
    }

    @Test func progress_isForwarded_onlyWhileConnected() {
        var driver = SessionDriver.welcomed()
        let progress = WorkerMessage.Progress(
            job: F.attempt(1).job, attempt: 1, epoch: 3,
            metrics: .init(loss: 1, ldaSilhouette: 0, knnAccuracy: 0, silhouette: 0, fisherRatio: 0))
        #expect(driver.on(.slotProgress(progress)).sent == [.progress(progress)])
        _ = driver.on(.tick, after: .seconds(4))  // silent: disconnected
        #expect(driver.on(.slotProgress(progress)).isEmpty)
    }

    // MARK: Keep and abort

    @Test func welcome_abortsRunningAttemptsNotKept_andDropsQueuedOnesNotKept() throws {
        var driver = SessionDriver.welcomed()
        _ = driver.on(.assigned([try F.job(1), try F.job(2), try F.job(3)]))
        _ = driver.on(.tick)
        let welcome = driver.on(F.welcome(keep: [F.attempt(1)]))
        #expect(welcome.slotAborts == [F.attempt(2)])
        #expect(welcome.notices == [.welcomed(worker: F.worker, kept: 1)])
        #expect(driver.session.queue.isEmpty)
    }

    @Test func abort_handsBackAQueuedJob_andAbortsARunningOneOnItsSlot() throws {
        var driver = SessionDriver.welcomed()
        _ = driver.on(.assigned([try F.job(1), try F.job(2), try F.job(3)]))
        let runs = driver.on(.tick).runs
        let abort = driver.on(.received(.abort(.init([F.attempt(3), F.attempt(1)], reason: "test"))))
        #expect(abort.slotAborts == [F.attempt(1)])
        #expect(driver.on(.tick).released == [F.attempt(3)])
        let slot = try #require(runs.first { $0.0 == F.attempt(1) }?.1)
        _ = driver.on(.slotAbandoned(slot: slot, F.attempt(1)))
        #expect(driver.on(.tick).released == [F.attempt(1)])
    }

    // MARK: Draining and exits

    @Test func stop_handsBackQueuedJobs_letsRunningOnesFinish_andLeavesOnceAcknowledged() throws {
        var driver = SessionDriver.welcomed()
        _ = driver.on(.assigned([try F.job(1), try F.job(2), try F.job(3)]))
        let runs = driver.on(.tick).runs
        let stop = driver.on(.stopRequested)
        #expect(stop.notices == [.draining(exit: .stopped, running: 2, queued: 1)])
        let handedBack = driver.on(.tick)
        #expect(handedBack.released == [F.attempt(3)])
        #expect(handedBack.readies == [.init(wants: 0, received: 3)])
        _ = driver.on(.assigned([try F.job(4)]))
        #expect(driver.on(.tick).released == [F.attempt(4)])  // taken while draining: straight back
        for (attempt, slot) in runs {
            _ = driver.on(.slotFinished(slot: slot, try F.result(attempt == F.attempt(1) ? 1 : 2)))
        }
        let delivered = driver.on(.tick, after: .seconds(1))
        #expect(delivered.resultBatches.count == 1 && delivered.exit == nil)
        _ = driver.on(.received(.ack(.init([F.attempt(1), F.attempt(2)]))))
        let last = driver.on(.tick)
        #expect(last.sent.last == .goodbye(.init(reason: "stopped")))
        #expect(Set(last.compactMap { if case .stop(let slot) = $0 { slot } else { nil } }) == [0, 1])
        #expect(last.notices.last == .exiting(exit: .stopped, unacknowledged: 0))
        #expect(last.exit == .stopped && driver.session.exit == .stopped)
        #expect(driver.on(.tick, after: .seconds(10)).isEmpty)  // done: every later event is ignored
    }

    @Test func drain_abortsWhatStillRunsAtTheDeadline_once() throws {
        var driver = SessionDriver.welcomed(F.configuration(gracePeriod: .seconds(1)))
        _ = driver.on(.assigned([try F.job(1)]))
        let slot = try #require(driver.on(.tick).runs.first?.1)
        _ = driver.on(.stopRequested)
        #expect(driver.on(.tick, after: .milliseconds(999)).slotAborts.isEmpty)
        #expect(driver.on(.tick, after: .milliseconds(1)).slotAborts == [F.attempt(1)])
        #expect(driver.on(.tick).slotAborts.isEmpty)
        _ = driver.on(.slotAbandoned(slot: slot, F.attempt(1)))
        let last = driver.on(.tick)
        #expect(last.released == [F.attempt(1)])
        #expect(last.sent.last == .goodbye(.init(reason: "stopped")))
        #expect(last.exit == .stopped)
    }

    @Test func drain_waitsAtMostTwoSecondsPastTheDeadlineForAcknowledgements() throws {
        var driver = SessionDriver.welcomed(F.configuration(gracePeriod: .zero))
        _ = driver.on(.assigned([try F.job(1)]))
        let slot = try #require(driver.on(.tick).runs.first?.1)
        _ = driver.on(.slotFinished(slot: slot, try F.result(1)))
        _ = driver.on(.stopRequested)
        #expect(driver.on(.tick).exit == nil)
        _ = driver.on(.received(.heartbeat), after: .seconds(1))  // keep the coordinator audible
        #expect(driver.on(.tick, after: .milliseconds(999)).exit == nil)
        let last = driver.on(.tick, after: .milliseconds(1))
        #expect(last.exit == .stopped)
        #expect(last.notices.last == .exiting(exit: .stopped, unacknowledged: 1))
    }

    @Test func drain_leavesAtOnce_whenNotWelcomed() {
        var driver = SessionDriver()
        _ = driver.on(.start)
        _ = driver.on(.stopRequested)
        let last = driver.on(.tick)
        #expect(last.sent.last == .goodbye(.init(reason: "stopped")))
        #expect(last.exit == .stopped)
    }

    @Test func shutdownMessage_drainsWithTheCoordinatorsGrace() throws {
        var driver = SessionDriver.welcomed()
        _ = driver.on(.assigned([try F.job(1)]))
        _ = driver.on(.tick)
        let shutdown = driver.on(.received(.shutdown(.init(reason: "test", graceSeconds: 0.5))))
        #expect(shutdown.notices == [.draining(exit: .coordinatorShutdown, running: 1, queued: 0)])
        #expect(driver.on(.tick, after: .milliseconds(499)).slotAborts.isEmpty)
        #expect(driver.on(.tick, after: .milliseconds(1)).slotAborts == [F.attempt(1)])
    }

    @Test func shutdownGrace_fromTheWire_isClampedToADay_andNotANumberIsZero() {
        #expect(WorkerSession.grace(seconds: 1.5) == .milliseconds(1500))
        #expect(WorkerSession.grace(seconds: -3) == .zero)
        #expect(WorkerSession.grace(seconds: 1e12) == .seconds(86_400))
        #expect(WorkerSession.grace(seconds: .infinity) == .seconds(86_400))
        #expect(WorkerSession.grace(seconds: .nan) == .zero)
    }

    @Test func idleExit_leavesAfterTheIdleTime_butNeverWithAnUnacknowledgedResult() throws {
        var idle = SessionDriver.welcomed(F.configuration(idleExit: .seconds(2)))
        _ = idle.on(.received(.heartbeat), after: .seconds(1.5))
        #expect(idle.on(.tick, after: .milliseconds(499)).exit == nil)
        let last = idle.on(.tick, after: .milliseconds(1))
        #expect(last.notices.first == .idle(after: .seconds(2)))
        #expect(last.sent.last == .goodbye(.init(reason: "idle")))
        #expect(last.exit == .idle)

        var holding = SessionDriver.welcomed(F.configuration(idleExit: .seconds(2)))
        _ = holding.on(.assigned([try F.job(1)]))
        let slot = try #require(holding.on(.tick).runs.first?.1)
        _ = holding.on(.slotFinished(slot: slot, try F.result(1)))
        for _ in 0..<4 {
            _ = holding.on(.received(.heartbeat), after: .seconds(1))
            #expect(holding.on(.tick).exit == nil)
        }
    }
}
