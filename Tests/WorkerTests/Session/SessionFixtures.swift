import SweepModel
import SweepWire
import Testing
import TrainingCore
@testable import Worker

/// Builders for `WorkerSession` tests: configurations, jobs, results, and a driver that keeps the
/// fake clock.
enum SessionFixture {
    static let worker = WorkerID(rawValue: "w-test")

    static func configuration(
        slots: Int = 2, prefetch: Int? = nil, maxJobs: Int? = nil, idleExit: Duration? = nil,
        gracePeriod: Duration = .seconds(30)
    ) -> WorkerConfiguration {
        var configuration = WorkerConfiguration(endpoint: "tcp://coordinator:5555")
        configuration.workerID = worker
        configuration.host = "host"
        configuration.pid = 42
        configuration.slots = slots
        configuration.prefetch = prefetch
        configuration.maxJobs = maxJobs
        configuration.idleExit = idleExit
        configuration.gracePeriod = gracePeriod
        return configuration
    }

    static func attempt(_ n: Int, _ attempt: Int = 1) -> JobAttempt {
        JobAttempt(job: JobID(rawValue: "job-\(n)"), attempt: attempt)
    }

    static func job(_ n: Int, attempt: Int = 1) throws -> EncodedAssignment {
        var experiment = ExperimentConfig()
        experiment.seed = UInt64(n)
        return try EncodedAssignment(JobAssignment(
            job: JobID(rawValue: "job-\(n)"), attempt: attempt,
            parameters: JobParameters(kind: .noop, experiment: experiment), timeout: .seconds(60)))
    }

    static func result(_ n: Int, attempt: Int = 1) throws -> EncodedResult {
        try EncodedResult(CompletedJob(
            job: JobID(rawValue: "job-\(n)"), attempt: attempt,
            result: JobResult(status: .clustered, summary: nil, seconds: 0.01)))
    }

    static func failure(_ n: Int, attempt: Int = 1) -> FailedJob {
        FailedJob(job: JobID(rawValue: "job-\(n)"), attempt: attempt, error: "boom")
    }

    static func welcome(keep: [JobAttempt] = [], intervalMs: Int = 1000, liveness: Int = 3) -> WorkerSessionEvent {
        .received(.welcome(.init(
            worker: worker, heartbeatIntervalMs: intervalMs, heartbeatLiveness: liveness, keep: keep,
            softwareVersion: "test")))
    }
}

/// A `WorkerSession` and its fake clock.
struct SessionDriver {
    var session: WorkerSession
    var now = WorkerInstant.zero

    init(_ configuration: WorkerConfiguration = SessionFixture.configuration()) {
        session = WorkerSession(configuration: configuration)
    }

    /// Started, every slot up, welcomed, and one tick later (its first `ready` sent).
    static func welcomed(_ configuration: WorkerConfiguration = SessionFixture.configuration()) -> SessionDriver {
        var driver = SessionDriver(configuration)
        _ = driver.on(.start)
        for slot in 0..<driver.session.slotCount { _ = driver.on(.slotStarted(slot: slot)) }
        _ = driver.on(SessionFixture.welcome())
        _ = driver.on(.tick)
        return driver
    }

    /// Moves the clock `by` forward, then applies the event.
    mutating func on(_ event: WorkerSessionEvent, after by: Duration = .zero) -> [WorkerSessionAction] {
        now = now + by
        let actions = session.handle(event, at: now)
        let broken = session.invariantViolations()
        #expect(broken.isEmpty, "after \(event): \(broken)")
        return actions
    }
}

extension [WorkerSessionAction] {
    /// Messages sent to the coordinator, results batches as `worker.results` of their jobs.
    var sent: [WorkerMessage] {
        compactMap { action in
            switch action {
            case .send(let message): message
            case .sendResults(let results):
                .results(.init(results.compactMap { try? $0.decoded() }))
            default: nil
            }
        }
    }

    var readies: [WorkerMessage.Ready] {
        sent.compactMap { if case .ready(let ready) = $0 { ready } else { nil } }
    }

    var hellos: [WorkerMessage.Hello] {
        sent.compactMap { if case .hello(let hello) = $0 { hello } else { nil } }
    }

    var resultBatches: [[JobAttempt]] {
        compactMap { if case .sendResults(let results) = $0 { results.map(\.jobAttempt) } else { nil } }
    }

    var released: [JobAttempt] {
        sent.flatMap { message -> [JobAttempt] in if case .released(let r) = message { r.jobs } else { [] } }
    }

    var runs: [(JobAttempt, Int)] {
        compactMap { if case .run(let job, let slot) = $0 { (job.jobAttempt, slot) } else { nil } }
    }

    var slotAborts: [JobAttempt] {
        compactMap { if case .abort(let attempt, _) = $0 { attempt } else { nil } }
    }

    var notices: [WorkerNotice] {
        compactMap { if case .log(let notice) = $0 { notice } else { nil } }
    }

    var exit: WorkerExit? {
        lazy.compactMap { if case .exit(let exit) = $0 { exit } else { nil } }.first
    }

    var sendsHeartbeat: Bool { sent.contains(.heartbeat) }
}
