import Foundation
import Synchronization
import SweepModel
import SweepWire
import Testing
import TrainingCore
import ZeroMQ
@testable import Worker

/// A scripted coordinator on a real tcp ROUTER, driven from the test's thread.
final class FakeCoordinator {
    let context: ZMQContext
    let router: ZMQSocket
    let endpoint: String
    private(set) var peer: [UInt8] = []

    init() throws {
        context = try ZMQContext()
        router = try context.socket(.router)
        try router.set(.receiveTimeout(milliseconds: 5000))
        try router.bind("tcp://127.0.0.1:*")
        endpoint = try router.lastEndpoint()
    }

    /// The next worker message, skipping heartbeats, progress and (unless asked for) ready.
    func next(includingReady: Bool = false) throws -> WorkerMessage {
        while true {
            let frames = try router.receive(maxFrames: 3)
            peer = frames[0]
            guard case .worker(let message) = try WireCodec.decodeInbound(frames.dropFirst()) else { continue }
            switch message {
            case .heartbeat, .progress: continue
            case .ready where !includingReady: continue
            default: return message
            }
        }
    }

    func send(_ message: CoordinatorMessage) throws {
        try router.send([peer] + WireCodec.encode(message))
    }

    func welcome(_ worker: WorkerID, keep: [JobAttempt] = []) throws {
        // A long liveness: this fake does not send heartbeats.
        try send(.welcome(.init(worker: worker, heartbeatIntervalMs: 100, heartbeatLiveness: 50, keep: keep, softwareVersion: "test")))
    }
}

/// Runs a `WorkerService` on its own thread and hands back how it ended.
final class WorkerRunner: Sendable {
    let service: WorkerService
    private let outcome = Mutex<Result<WorkerExit, WorkerStartError>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ configuration: WorkerConfiguration) throws {
        service = try WorkerService(configuration: configuration)
        let thread = Thread { [self] in
            do throws(WorkerStartError) {
                let exit = try service.run()
                outcome.withLock { $0 = .success(exit) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        thread.start()
    }

    /// How `run()` ended (`nil` if it has not within `seconds`); an error it threw is recorded
    /// as an issue of the calling test, with the error, instead of vanishing.
    func exit(within seconds: Double = 10) -> WorkerExit? {
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        done.signal()  // a later call sees the same outcome
        switch outcome.withLock({ $0 }) {
        case .success(let exit): return exit
        case .failure(let error):
            Issue.record("the worker's run() threw \(error)")
            return nil
        case nil: return nil
        }
    }
}

@Suite(.serialized) struct WorkerServiceTests {
    private func configuration(_ endpoint: String) -> WorkerConfiguration {
        var configuration = WorkerConfiguration(endpoint: endpoint)
        configuration.slots = 2
        configuration.heartbeatInterval = .milliseconds(100)
        configuration.reconnectInitial = .milliseconds(100)
        configuration.gracePeriod = .seconds(2)
        return configuration
    }

    private func assignment(_ n: Int, kind: JobKind = .noop, failAttempts: Int = 0, sleepMs: Int = 0) -> JobAssignment {
        var experiment = ExperimentConfig()
        experiment.seed = UInt64(n)
        return JobAssignment(
            job: JobID(rawValue: "job-\(n)"), attempt: 1,
            parameters: JobParameters(kind: kind, experiment: experiment, sleepMs: sleepMs, failAttempts: failAttempts),
            timeout: .seconds(60))
    }

    @Test func worker_runsAssignedJobsReportsBatchesAndLeavesOnShutdown() throws {
        let coordinator = try FakeCoordinator()
        let runner = try WorkerRunner(configuration(coordinator.endpoint))
        guard case .hello(let hello) = try coordinator.next() else { Issue.record("expected hello"); return }
        #expect(hello.slots == 2)
        #expect(hello.running.isEmpty && hello.finished.isEmpty)
        try coordinator.welcome(hello.worker)
        guard case .ready(let ready) = try coordinator.next(includingReady: true) else { Issue.record("expected ready"); return }
        #expect(ready == .init(wants: 4, received: 0))  // 2 slots + 1 prefetched per slot until jobs prove short

        let jobs = (0..<10).map { assignment($0, failAttempts: $0 == 3 ? 1 : 0) }
        try coordinator.send(.assign(.init(jobs)))
        var results: [CompletedJob] = []
        var failures: [FailedJob] = []
        while results.count + failures.count < 10 {
            switch try coordinator.next() {
            case .results(let batch): results += batch.results
            case .failures(let batch): failures += batch.failures
            case let other: Issue.record("unexpected \(other)")
            }
        }
        #expect(Set(results.map(\.job)).count == 9)
        #expect(failures.map(\.job) == [JobID(rawValue: "job-3")])
        #expect(failures.first?.error.contains("fail_attempts") == true)

        try coordinator.send(.ack(.init(results.map(\.jobAttempt) + failures.map(\.jobAttempt))))
        try coordinator.send(.shutdown(.init(reason: "test", graceSeconds: 1)))
        guard case .goodbye = try coordinator.next() else { Issue.record("expected goodbye"); return }
        #expect(runner.exit() == .coordinatorShutdown)
    }

    /// An assigned job as a hostile or buggy coordinator might encode it.
    private struct LooseJob: Encodable {
        enum Parameters: Encodable {
            case valid(JobParameters)
            case wrongType(String)
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                switch self {
                case .valid(let parameters): try container.encode(parameters)
                case .wrongType(let text): try container.encode(text)
                }
            }
        }
        var job: JobID
        var attempt: Int
        var parameters: Parameters
        var timeoutSeconds: Double
    }

    private struct LooseAssign: Encodable { var jobs: [LooseJob] }

    @Test func worker_whenAnAssignedJobDoesNotDecode_failsThatJobAndRunsTheOthers() throws {
        let coordinator = try FakeCoordinator()
        let runner = try WorkerRunner(configuration(coordinator.endpoint))
        guard case .hello(let hello) = try coordinator.next() else { Issue.record("expected hello"); return }
        try coordinator.welcome(hello.worker)
        let good = assignment(1)
        let jobs = [
            LooseJob(job: JobID(rawValue: "job-bad"), attempt: 2, parameters: .wrongType("x"), timeoutSeconds: 60),
            LooseJob(job: good.job, attempt: good.attempt, parameters: .valid(good.parameters), timeoutSeconds: 60),
        ]
        let kind = Array("coordinator.assign".utf8)
        let payload = [UInt8(kind.count)] + kind + (try WireBinaryEncoder().encode(LooseAssign(jobs: jobs)))
        try coordinator.router.send([coordinator.peer, WireProtocol.header, payload])
        var results: [CompletedJob] = []
        var failures: [FailedJob] = []
        while results.count + failures.count < 2 {
            switch try coordinator.next() {
            case .results(let batch): results += batch.results
            case .failures(let batch): failures += batch.failures
            case let other: Issue.record("unexpected \(other)")
            }
        }
        #expect(results.map(\.jobAttempt) == [good.jobAttempt])
        #expect(failures.map(\.jobAttempt) == [JobAttempt(job: JobID(rawValue: "job-bad"), attempt: 2)])
        #expect(failures.first?.error.contains("undecodable assignment") == true)
        try coordinator.send(.ack(.init(results.map(\.jobAttempt) + failures.map(\.jobAttempt))))
        try coordinator.send(.shutdown(.init(reason: "test", graceSeconds: 1)))
        guard case .goodbye = try coordinator.next() else { Issue.record("expected goodbye"); return }
        #expect(runner.exit() == .coordinatorShutdown)
    }

    @Test func worker_resendsUnacknowledgedResultsInItsNextHello() throws {
        let coordinator = try FakeCoordinator()
        let runner = try WorkerRunner(configuration(coordinator.endpoint))
        guard case .hello(let hello) = try coordinator.next() else { Issue.record("expected hello"); return }
        try coordinator.welcome(hello.worker)
        try coordinator.send(.assign(.init([assignment(1), assignment(2)])))
        var delivered: [CompletedJob] = []
        while delivered.count < 2 {
            if case .results(let batch) = try coordinator.next() { delivered += batch.results }
        }
        // The coordinator "restarted": it asks for a new hello without having acknowledged anything.
        try coordinator.send(.reconnect)
        guard case .hello(let again) = try coordinator.next() else { Issue.record("expected hello"); return }
        #expect(Set(again.finished.map(\.job)) == Set(delivered.map(\.job)))
        try coordinator.welcome(again.worker)
        try coordinator.send(.ack(.init(delivered.map(\.jobAttempt))))
        runner.service.requestStop()
        guard case .goodbye = try coordinator.next() else { Issue.record("expected goodbye"); return }
        #expect(runner.exit() == .stopped)
    }

    @Test func worker_reconnectsWhenTheCoordinatorStaysSilent() throws {
        let coordinator = try FakeCoordinator()
        var configuration = configuration(coordinator.endpoint)
        configuration.heartbeatLiveness = 2
        let runner = try WorkerRunner(configuration)
        guard case .hello = try coordinator.next() else { Issue.record("expected hello"); return }
        let firstPeer = coordinator.peer
        // No welcome: after 2 silent intervals and a 100 ms backoff the worker reconnects.
        guard case .hello(let again) = try coordinator.next() else { Issue.record("expected hello"); return }
        #expect(coordinator.peer != firstPeer)
        try coordinator.welcome(again.worker)
        runner.service.requestStop()
        guard case .goodbye = try coordinator.next() else { Issue.record("expected goodbye"); return }
        #expect(runner.exit() == .stopped)
    }

    @Test func worker_exitsWhenIdle_andHandsBackJobsOnStop() throws {
        let coordinator = try FakeCoordinator()
        var configuration = configuration(coordinator.endpoint)
        configuration.idleExit = .milliseconds(300)
        let runner = try WorkerRunner(configuration)
        guard case .hello(let hello) = try coordinator.next() else { Issue.record("expected hello"); return }
        try coordinator.welcome(hello.worker)
        guard case .goodbye(let goodbye) = try coordinator.next() else { Issue.record("expected goodbye"); return }
        #expect(goodbye.reason == "idle")
        #expect(runner.exit() == .idle)
    }

    @Test func worker_abortsRunningJobsAfterTheGracePeriodAndReleasesThem() throws {
        let coordinator = try FakeCoordinator()
        var configuration = configuration(coordinator.endpoint)
        configuration.gracePeriod = .milliseconds(200)
        let runner = try WorkerRunner(configuration)
        guard case .hello(let hello) = try coordinator.next() else { Issue.record("expected hello"); return }
        try coordinator.welcome(hello.worker)
        let long = (0..<3).map { assignment($0, kind: .sleep, sleepMs: 30_000) }
        try coordinator.send(.assign(.init(long)))
        // Stop once the worker holds the jobs (its ready counts them received), not after a guess.
        while true {
            if case .ready(let ready) = try coordinator.next(includingReady: true), ready.received >= long.count { break }
        }
        runner.service.requestStop()
        var released: Set<JobAttempt> = []
        while true {
            let message = try coordinator.next()
            if case .released(let batch) = message { released.formUnion(batch.jobs) }
            if case .goodbye = message { break }
        }
        #expect(released == Set(long.map(\.jobAttempt)))
        #expect(runner.exit() == .stopped)
    }
}

@Suite(.serialized) struct WorkerThroughputTests {
    @Test func worker_refusesAMalformedEndpoint() throws {
        let service = try WorkerService(configuration: WorkerConfiguration(endpoint: "nonsense"))
        #expect(throws: WorkerStartError.self) { try service.run() }
    }

    /// Pumps noop jobs through one real worker (2 slots) with the protocol's credit rule, as a
    /// coordinator would, and checks every job comes back exactly once.
    @Test func worker_pipelinesNoopJobsUnderCreditFlowControl() throws {
        let coordinator = try FakeCoordinator()
        var configuration = WorkerConfiguration(endpoint: coordinator.endpoint)
        configuration.slots = 2
        configuration.prefetch = 64
        configuration.heartbeatInterval = .milliseconds(200)
        let runner = try WorkerRunner(configuration)
        guard case .hello(let hello) = try coordinator.next() else { Issue.record("expected hello"); return }
        try coordinator.welcome(hello.worker)

        let total = 2_000
        var experiment = ExperimentConfig()
        var sent = 0
        var done: Set<JobID> = []
        let start = ContinuousClock.now
        while done.count < total {
            switch try coordinator.next(includingReady: true) {
            case .ready(let ready):
                let grant = min(ready.wants - (sent - ready.received), total - sent)
                guard grant > 0 else { continue }
                let jobs = (sent..<sent + grant).map { n -> JobAssignment in
                    experiment.seed = UInt64(n)
                    return JobAssignment(
                        job: JobID(rawValue: "job-\(n)"), attempt: 1,
                        parameters: JobParameters(kind: .noop, experiment: experiment), timeout: .seconds(60))
                }
                sent += grant
                try coordinator.send(.assign(.init(jobs)))
            case .results(let batch):
                for result in batch.results { #expect(done.insert(result.job).inserted, "duplicate \(result.job)") }
                try coordinator.send(.ack(.init(batch.results.map(\.jobAttempt))))
            case let other:
                Issue.record("unexpected \(other)")
            }
        }
        let elapsed = ContinuousClock.now - start
        #expect(sent == total)
        print("worker throughput (debug build, 2 slots): \(total) noop jobs in \(elapsed)")
        runner.service.requestStop()
        guard case .goodbye = try coordinator.next() else { Issue.record("expected goodbye"); return }
        #expect(runner.exit() == .stopped)
    }
}
