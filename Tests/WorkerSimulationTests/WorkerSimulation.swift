import Coordinator
import Foundation
import SchedulerSimulationSupport
import SweepModel
import SweepWire
import TrainingCore
@testable import Worker

/// A seeded world of real `WorkerSession`s (the worker's own state machine) against the real
/// coordinator `Scheduler`, in memory: simulated slot threads, a network that reorders,
/// duplicates and loses messages, workers that die without goodbye, are partitioned, stopped by
/// SIGTERM, told to shut down, or leave after `--max-jobs` or `--idle-exit`; coordinator crashes
/// before or after a commit, restarted from a store holding only what was persisted.
///
/// The coordinator side copies what `CoordinatorLoop` does around the scheduler (the `Scheduler`
/// itself is the production one): a peer is a worker only after its hello, which is answered
/// with `welcome{keep}` first; `ready` becomes a lease window by the credit rule; acks and aborts
/// name attempts. After every event both sides' invariants are checked; at the end every job
/// must be final, each completed one with exactly one recorded result, and every worker still
/// alive must have had all its reports acknowledged. `problems` collects what broke.
struct WorkerSimulation {
    /// A worker's connection as the coordinator's ROUTER sees it.
    struct Route: Hashable {
        var worker: WorkerID
        var connection: Int
    }

    /// What travels from a worker to the coordinator.
    enum Upstream {
        case message(WorkerMessage)
        case results([EncodedResult])
    }

    /// A simulated worker process: its session, its slot threads and its socket.
    struct Process {
        let id: WorkerID
        var session: Worker.WorkerSession
        /// Steady workers never leave by themselves (no `--max-jobs`, no `--idle-exit`).
        let steady: Bool
        var alive = true
        var partitioned = false
        /// The open connection's number; 0 while the worker has no socket.
        var connection = 0
        var connectionsOpened = 0
        /// What each slot thread was handed, in order (the first runs; tiny jobs come several at
        /// once), and the slots told to abort their running job.
        var slots: [[JobAttempt]]
        /// The slot the last action handed a job to: the next `run` may join it (one hand-off).
        var handingTo: Int?
        var abortRequested: Set<Int> = []
        /// Delivered to the worker's socket, not yet read by its loop.
        var inbox: [WorkerSessionEvent] = []
    }

    let seed: UInt64
    var rng: SimulationRandom
    let schedulerConfiguration = SchedulerConfiguration()
    var scheduler: Scheduler
    var store = SimulatedStore()
    var now = MonotonicInstant.zero
    var processes: [Process] = []
    var inFlight: [(route: Route, message: Upstream)] = []
    var unsubmitted: [StoredSweep]
    var alwaysFailing: Set<JobID> = []
    let baseConfiguration: WorkerConfiguration

    // The coordinator loop's own state (lost when it crashes).
    var routeOf: [WorkerID: Route] = [:]
    var workerAt: [Route: WorkerID] = [:]
    var assignedInSession: [WorkerID: Int] = [:]
    var reconnectToldAt: [Route: MonotonicInstant] = [:]

    /// Assignments in their wire encoding, made once per attempt and timeout (encoding is the
    /// slow part); the test hands the cache from one seed to the next.
    var encoded: [String: EncodedAssignment] = [:]
    var encodedResults: [String: EncodedResult] = [:]
    /// Whether both sides' invariants are checked after every event (during chaos) or once per
    /// round (while settling, when the world is healthy).
    var checkEveryEvent = true

    var problems: [String] = []
    var trace: [String] = []
    /// How often each kind of thing happened, to show the runs exercised what they claim.
    var tally: [String: Int] = [:]
    var nextWorker = 0

    static let parameters = JobParameters(kind: .noop, experiment: ExperimentConfig())
    static let clustered = JobResult(status: .clustered, summary: nil, seconds: 0.01)
    static let metrics = MetricValues(loss: 1, ldaSilhouette: 0, knnAccuracy: 0, silhouette: 0, fisherRatio: 0)

    init(seed: UInt64, baseConfiguration: WorkerConfiguration) {
        self.seed = seed
        self.baseConfiguration = baseConfiguration
        var rng = SimulationRandom(seed: seed)
        scheduler = Scheduler(configuration: schedulerConfiguration)
        // Two sweeps sharing two jobs; some with a job timeout.
        let plans: [(String, Range<Int>)] = [("a", 0..<8), ("b", 6..<14)]
        unsubmitted = plans.map { name, range in
            let timeout: Double = rng.chance(0.5) ? Double(Int.random(in: 3...8, using: &rng)) : 0
            return Self.sweep(name, jobs: Array(range), maxAttempts: Int.random(in: 2...4, using: &rng), timeout: timeout)
        }
        for n in 0..<14 where rng.chance(0.05) { alwaysFailing.insert(Self.job(n)) }
        self.rng = rng
    }

    static func job(_ n: Int) -> JobID { JobID(rawValue: "job-\(n)") }

    static func sweep(_ name: String, jobs numbers: [Int], maxAttempts: Int, timeout: Double) -> StoredSweep {
        let record = SweepRecord(
            id: SweepID(rawValue: "sweep-\(name)"), name: name, sourceText: "", sourceName: "\(name).yaml",
            maxAttempts: maxAttempts, jobTimeoutSeconds: timeout, createdAt: Date(timeIntervalSince1970: 0),
            finishedAt: nil, cancelled: false)
        return StoredSweep(record: record, jobs: numbers.enumerated().map { i, n in
            JobRecord(id: job(n), index: i, parameters: parameters, status: .pending)
        })
    }

    // MARK: Driving

    /// Runs `chaosSteps` random steps, then heals everything and runs until every job is final
    /// and every live worker's reports are acknowledged; then checks exactly-once.
    mutating func run(chaosSteps: Int) {
        submitNext()
        addWorker(steady: true)
        addWorker(steady: false)
        for _ in 0..<chaosSteps where problems.isEmpty { randomStep() }
        tally["chaos time (s)", default: 0] += Int(now.seconds)
        if problems.isEmpty { settle() }
    }

    mutating func randomStep() {
        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<25: for _ in 0..<(rng.chance(0.6) ? inFlight.count : 1) { deliverToCoordinator() }
        case 25..<50: deliverToAWorker(all: rng.chance(0.6))
        case 50..<68: finishJobs()
        case 68..<80: advanceTime(by: .milliseconds(Int.random(in: 20...700, using: &rng)))
        case 80..<84: reportProgress()
        default: chaosStep()
        }
    }

    mutating func chaosStep() {
        switch Int.random(in: 0..<14, using: &rng) {
        case 0: if aliveCount < 4 { addWorker(steady: rng.chance(0.5)) }
        case 1: killAWorker()
        case 2: stopAWorker()
        case 3: partitionAWorker()
        case 4: healAWorker()
        case 5: if rng.chance(0.5) { restart("restart") }
        case 6: submitNext()
        case 7: duplicateUpstream()
        case 8: duplicateDownstream()
        case 9: shutDownAWorker()
        case 10: if rng.chance(0.1), let sweep = store.sweeps.randomElement(using: &rng) {
            note("cancel \(sweep.id)")
            perform("cancel", scheduler.cancel(sweep.id, at: now))
        }
        default:  // now and then a long silence: heartbeats missed on both sides
            advanceTime(by: rng.chance(0.3) ? .seconds(Int.random(in: 2...6, using: &rng)) : .milliseconds(100))
        }
    }

    /// Chaos over: remaining sweeps submitted, partitions healed, two steady workers at least,
    /// messages delivered in order; run until everything is final and acknowledged.
    mutating func settle() {
        note("settle")
        while !unsubmitted.isEmpty { submitNext() }
        for i in processes.indices { processes[i].partitioned = false }
        checkEveryEvent = false
        var rounds = 0
        while problems.isEmpty && !(allFinal() && allAcknowledged()) && rounds < 600 {
            rounds += 1
            while steadyCount < 2 { addWorker(steady: true) }
            while !inFlight.isEmpty { deliverToCoordinator(inOrder: true) }
            for i in processes.indices where processes[i].alive && !processes[i].inbox.isEmpty {
                deliver(to: i, all: true)
            }
            for _ in processes.indices where rng.chance(0.7) { finishJobs() }
            while !inFlight.isEmpty { deliverToCoordinator(inOrder: true) }
            advanceTime(by: .milliseconds(200))
            checkCoordinator(after: "settling round \(rounds)")
            for i in processes.indices where processes[i].alive { checkWorker(i, after: "settling round \(rounds)") }
        }
        tally["settle rounds", default: 0] += rounds
        guard problems.isEmpty else { return }
        if !allFinal() {
            let open = store.jobs.filter { !$0.value.status.isFinal && store.isLive($0.key) }.keys.map(\.rawValue).sorted()
            problems.append("jobs never finished: \(open)")
        }
        for process in processes where process.alive && !process.session.unacked.isEmpty {
            problems.append("\(process.id) still holds unacknowledged reports \(process.session.unacked.keys.map { "\($0)" })")
        }
        for sweep in store.sweeps where sweep.finishedAt == nil { problems.append("sweep \(sweep.id) never marked finished") }
        for (id, job) in store.jobs.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            if job.status.isCompleted != (job.resultsRecorded == 1) {
                problems.append("job \(id) \(job.status) with \(job.resultsRecorded) results")
            }
            if scheduler.status(of: id) != job.status {
                problems.append("job \(id): scheduler \(String(describing: scheduler.status(of: id))) store \(job.status)")
            }
        }
    }

    func allFinal() -> Bool { store.jobs.allSatisfy { $0.value.status.isFinal || !store.isLive($0.key) } }

    func allAcknowledged() -> Bool { processes.allSatisfy { !$0.alive || $0.session.unacked.isEmpty } }

    var aliveCount: Int { processes.filter(\.alive).count }

    var steadyCount: Int { processes.filter { $0.alive && $0.steady && $0.session.drain == nil }.count }

    /// The coordinator's clock as the workers' (both start at zero).
    var workerNow: WorkerInstant { WorkerInstant(sinceStart: .nanoseconds(Int64(clamping: now.nanoseconds))) }

    mutating func advanceTime(by duration: Duration) {
        now = now + duration
        for i in processes.indices where processes[i].alive { workerEvent(i, .tick) }
        perform("tick", scheduler.tick(now))
    }

    mutating func count(_ kind: String) { tally[kind, default: 0] += 1 }

    mutating func note(_ line: String) {
        trace.append("t=\(now) \(line)")
        if trace.count > 40 { trace.removeFirst() }
    }
}
