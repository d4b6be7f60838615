// store-crash-writer: a test-support program for SweepStore, never shipped.
//
//   store-crash-writer write PATH [JOBS_PER_BATCH]
//       Loops forever: batch b submits sweep number b with JOBS_PER_BATCH (default 50) noop jobs,
//       then commits an attempt and a result for each in one `apply`, and only then prints
//       "committed b" on standard output. The crash-safety test kill -9s it mid-loop and checks
//       every announced batch is in the store.
//   store-crash-writer bench PATH [JOBS] [BATCH]
//       Runs StoreBenchmark on a new store at PATH and prints its figures.
//   store-crash-writer planned PATH [JOBS] [BATCH]
//       Runs PlannedDispatchStoreBenchmark (lazy planning and apply, thread CPU time) on a new
//       store at PATH and prints its figures.
import Benchmarks
import Foundation
import SweepModel
import SweepStore

/// Writes one line to standard output without buffering, so the reader sees it before a kill.
func announce(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("store-crash-writer: " + message + "\n").utf8))
    exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else { fail("usage: store-crash-writer write|bench|planned PATH [N] [BATCH]") }
let path = arguments[2]

func number(at index: Int, default value: Int) -> Int {
    guard arguments.count > index else { return value }
    guard let parsed = Int(arguments[index]), parsed > 0 else { fail("not a positive number: \(arguments[index])") }
    return parsed
}

do {
    switch arguments[1] {
    case "write":
        let jobsPerBatch = number(at: 3, default: 50)
        let store = try ResultStore(path: path)
        let worker = WorkerID(rawValue: "crash-writer-\(ProcessInfo.processInfo.processIdentifier)")
        var batch = 1
        while true {
            let plan = StoreBenchmark.noopPlan(count: jobsPerBatch, sweepNumber: batch)
            let sweep = SweepRecord(
                id: SweepID(rawValue: String(format: "%064x", batch)), name: "crash-\(batch)",
                sourceText: "kind: noop\n", sourceName: "crash-writer", maxAttempts: 1,
                jobTimeoutSeconds: 60, createdAt: Date())
            _ = try store.submit(sweep: sweep, jobs: plan)
            let now = Date()
            var changes: [StoreChange] = []
            for job in plan {
                changes.append(.attemptStarted(job: job.id, number: 1, worker: worker))
                changes.append(.resultRecorded(
                    job: job.id, attempt: 1,
                    result: JobResult(status: .clustered, summary: nil, seconds: Double(batch))))
            }
            changes.append(.sweepFinished(sweep.id))
            try store.apply(changes, at: now)
            announce("committed \(batch)")
            batch += 1
        }
    case "bench":
        let figures = try StoreBenchmark.run(path: path, jobs: number(at: 3, default: 10_000), batchSize: number(at: 4, default: 250))
        announce("\(figures)")
    case "planned":
        let figures = try PlannedDispatchStoreBenchmark.run(
            path: path, jobs: number(at: 3, default: 20_000), batchSize: number(at: 4, default: 85))
        announce("\(figures)")
    default:
        fail("unknown mode \(arguments[1]); use write, bench or planned")
    }
} catch {
    fail("\(error)")
}
