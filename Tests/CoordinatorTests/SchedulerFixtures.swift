import Foundation
import SweepModel
import TrainingCore
@testable import Coordinator

/// Small builders for scheduler tests: ids, sweeps, results and instants.
enum Fixture {
    static func job(_ n: Int) -> JobID { JobID(rawValue: "job-\(n)") }
    static func sweepID(_ name: String) -> SweepID { SweepID(rawValue: "sweep-\(name)") }
    static func worker(_ name: String) -> WorkerID { WorkerID(rawValue: name) }
    static func at(_ seconds: Double) -> MonotonicInstant { MonotonicInstant(nanoseconds: UInt64(seconds * 1e9)) }

    static let parameters = JobParameters(kind: .noop, experiment: ExperimentConfig())
    static let done = JobResult(status: .clustered, summary: nil, seconds: 0.01)

    static func record(
        _ name: String, maxAttempts: Int = 3, timeout: Double = 0, cancelled: Bool = false, finished: Bool = false
    ) -> SweepRecord {
        SweepRecord(
            id: sweepID(name), name: name, sourceText: "", sourceName: "\(name).yaml", maxAttempts: maxAttempts,
            jobTimeoutSeconds: timeout, createdAt: Date(timeIntervalSince1970: 0),
            finishedAt: finished ? Date(timeIntervalSince1970: 1) : nil, cancelled: cancelled)
    }

    /// A sweep of pending jobs with the given numbers.
    static func sweep(
        _ name: String, jobs numbers: [Int], maxAttempts: Int = 3, timeout: Double = 0
    ) -> StoredSweep {
        StoredSweep(
            record: record(name, maxAttempts: maxAttempts, timeout: timeout),
            jobs: numbers.enumerated().map { i, n in
                JobRecord(id: job(n), index: i, parameters: parameters, status: .pending)
            })
    }
}

extension [SchedulerAction] {
    /// Assignments sent to `worker`, in order.
    func assignments(to worker: WorkerID) -> [JobAssignment] {
        flatMap { action -> [JobAssignment] in
            if case .sendAssign(worker, let assignments) = action { return assignments }
            return []
        }
    }

    func acks(to worker: WorkerID) -> [JobID] {
        flatMap { action -> [JobID] in
            if case .sendAck(worker, let jobs) = action { return jobs }
            return []
        }
    }

    func aborts(to worker: WorkerID) -> [JobID] {
        flatMap { action -> [JobID] in
            if case .sendAbort(worker, let jobs) = action { return jobs }
            return []
        }
    }

    /// Whether every persistence action comes before every message.
    var persistenceFirst: Bool {
        guard let firstOther = firstIndex(where: { !$0.isPersistence }) else { return true }
        return !self[firstOther...].contains { $0.isPersistence }
    }
}
