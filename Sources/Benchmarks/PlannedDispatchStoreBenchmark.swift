import Foundation
import SweepModel
import SweepStore

/// The coordinator's whole store traffic for one lazily planned sweep, without sockets or workers:
/// job rows created slice by slice (`planJobs`, 512 at a time, at most `window` ahead of dispatch),
/// and each `apply` holding the attempt starts of one batch and the results of the batch before,
/// as `bench dispatch` commits them. Timed on the thread's CPU clock, so a figure moves far less
/// with the neighbours' load than the dispatch bench's does: the tool to compare store formats.
public enum PlannedDispatchStoreBenchmark {
    /// What one run measured.
    public struct Figures: Sendable, CustomStringConvertible {
        public var jobs: Int
        public var batchSize: Int
        /// The thread's CPU seconds for planning and applying every job (parameters pre-encoded).
        public var cpuSeconds: Double
        public var wallSeconds: Double
        /// CPU seconds inside `planJobs` alone.
        public var planningCPUSeconds: Double

        public var description: String {
            let perJob = { (seconds: Double) in String(format: "%.2f", seconds / Double(max(jobs, 1)) * 1e6) }
            return "\(jobs) jobs planned and dispatched, batches of \(batchSize): \(perJob(cpuSeconds)) µs CPU per job "
                + "(planning \(perJob(planningCPUSeconds)), applying \(perJob(cpuSeconds - planningCPUSeconds))), "
                + String(format: "%.3f s wall", wallSeconds)
        }
    }

    /// Creates a store at `path` (which must not exist) and runs `jobs` noop jobs with hashed ids
    /// through it in batches of `batchSize`.
    public static func run(
        path: String, jobs: Int = 20_000, batchSize: Int = 85, slice: Int = 512, window: Int = 10_000
    ) throws(StoreError) -> Figures {
        let store = try ResultStore(path: path)
        let plan = StoreBenchmark.noopPlan(count: jobs, sweepNumber: 1, hashedIDs: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let encoded = plan.map { job in (try? encoder.encode(job.parameters)).map { String(decoding: $0, as: UTF8.self) } ?? "{}" }
        let sweep = SweepRecord(
            id: SweepID(rawValue: StoreBenchmark.hexID(2, 0)), name: "planned-dispatch-benchmark",
            sourceText: "kind: noop\n", sourceName: "benchmark", maxAttempts: 3, jobTimeoutSeconds: 60,
            createdAt: Date(), jobCount: jobs)
        _ = try store.submit(sweep: sweep)
        let worker = WorkerID(rawValue: "bench-worker")
        let result = JobResult(status: .completed, summary: nil, seconds: 0.000_1)
        let size = max(batchSize, 1)
        let wallStart = ContinuousClock.now
        let cpuStart = threadCPUSeconds()
        var planningCPU = 0.0
        var planned = 0
        var dispatched = 0
        var previous: Range<Int> = 0..<0
        while dispatched < jobs || !previous.isEmpty {
            let room = window - (planned - dispatched)
            if planned < jobs && (room >= slice || jobs - planned <= room) {
                let next = planned..<min(jobs, planned + slice)
                let before = threadCPUSeconds()
                _ = try store.planJobs(sweep: sweep.id, jobs: Array(plan[next]), encodedParameters: Array(encoded[next]))
                planningCPU += threadCPUSeconds() - before
                planned = next.upperBound
                continue
            }
            let batch = dispatched..<min(planned, dispatched + size)
            var changes: [StoreChange] = []
            changes.reserveCapacity(batch.count + previous.count)
            for index in batch { changes.append(.attemptStarted(job: plan[index].id, number: 1, worker: worker)) }
            for index in previous { changes.append(.resultRecorded(job: plan[index].id, attempt: 1, result: result)) }
            try store.apply(changes, at: Date())
            previous = batch
            dispatched = batch.upperBound
        }
        return Figures(
            jobs: jobs, batchSize: size, cpuSeconds: threadCPUSeconds() - cpuStart,
            wallSeconds: (ContinuousClock.now - wallStart).seconds, planningCPUSeconds: planningCPU)
    }

    /// `clock_gettime(CLOCK_THREAD_CPUTIME_ID)` in seconds.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
