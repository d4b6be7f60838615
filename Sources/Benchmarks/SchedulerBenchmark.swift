import Coordinator
import Foundation
import SweepModel

/// A micro-benchmark of the scheduler alone: `jobs` no-op jobs through simulated workers that
/// answer every assignment at once, so the figure is the state machine's own cost per event
/// (no sockets, no SQLite). Meant for release builds (`clustersweep bench`, or the test
/// `SchedulerBenchmarkTests` with `SCHEDULER_BENCH_JOBS`).
public enum SchedulerBenchmark {
    public struct Outcome: Sendable, CustomStringConvertible {
        public var jobs: Int
        public var events: Int
        public var actions: Int
        public var seconds: Double
        public var completed: Int
        public var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }
        public var jobsPerSecond: Double { seconds > 0 ? Double(completed) / seconds : 0 }
        public var description: String {
            "\(completed)/\(jobs) jobs, \(events) events, \(actions) actions in \(seconds) s: "
                + "\(Int(eventsPerSecond)) events/s, \(Int(jobsPerSecond)) jobs/s"
        }
    }

    /// Runs `jobs` jobs through `workers` workers of `slots` slots each, reporting results in
    /// batches of `batch` (1: one event per result).
    public static func run(jobs: Int, workers: Int = 2, slots: Int = 1, batch: Int = 1) -> Outcome {
        let parameters = JobParameters.noop
        let record = SweepRecord(
            id: SweepID(rawValue: "bench"), name: "bench", sourceText: "", sourceName: "bench.yaml", maxAttempts: 3,
            jobTimeoutSeconds: 60, createdAt: .init(timeIntervalSince1970: 0))
        // 64-hex-digit ids like real ones, so hashing costs what it will.
        let sweep = StoredSweep(record: record, jobs: (0..<jobs).map { i in
            let hex = String(i, radix: 16)
            let id = JobID(rawValue: String(repeating: "0", count: 64 - hex.count) + hex)
            return JobRecord(id: id, index: i, parameters: parameters, status: .pending)
        })
        let done = JobResult(status: .clustered, summary: nil, seconds: 0)
        let ids = (0..<workers).map { WorkerID(rawValue: "bench-worker-\($0)") }

        let clock = ContinuousClock()
        let start = clock.now
        var now: MonotonicInstant { MonotonicInstant(sinceStart: clock.now - start) }
        var scheduler = Scheduler()
        var events = 0
        var actionCount = 0
        var held: [[JobAttempt]] = Array(repeating: [], count: workers)
        func collect(_ actions: [SchedulerAction]) {
            actionCount += actions.count
            for action in actions {
                if case .sendAssign(let worker, let assignments) = action, let w = ids.firstIndex(of: worker) {
                    held[w] += assignments.map { JobAttempt(job: $0.job, attempt: $0.attempt) }
                }
            }
        }
        collect(scheduler.sweepSubmitted(sweep, at: now))
        for (w, id) in ids.enumerated() {
            collect(scheduler.workerHello(id, slots: slots, running: [], finished: [], at: now))
            events += 1
            _ = w
        }
        var progress = true
        while progress {
            progress = false
            for w in 0..<workers where !held[w].isEmpty {
                progress = true
                let take = min(max(1, batch), held[w].count)
                let reports = held[w].prefix(take).map { WorkerReport.completed(CompletedJob(job: $0.job, attempt: $0.attempt, result: done)) }
                held[w].removeFirst(take)
                collect(scheduler.workerReported(ids[w], reports, at: now))
                events += 1
                if events % 1024 == 0 {
                    collect(scheduler.tick(now))
                    events += 1
                }
            }
        }
        let elapsed = (clock.now - start).seconds
        let completed = scheduler.progress(of: record.id)?.counts.done ?? 0
        return Outcome(jobs: jobs, events: events, actions: actionCount, seconds: elapsed, completed: completed)
    }
}
