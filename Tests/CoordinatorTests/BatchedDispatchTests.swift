import Foundation
import SweepModel
import SweepStore
import SweepWire
import Testing
import ZeroMQ
@testable import Coordinator

/// Batched dispatch through a real coordinator and state file, with a raw DEALER playing the
/// worker so the test decides exactly what each message holds: many jobs in one `assign`, many
/// results in one `worker.results`, one `ack` for all of them, each job still leased and
/// recorded on its own.
@Suite(.serialized) struct BatchedDispatchTests {
    /// A DEALER that says hello as a worker with `slots` and asks for `wants` jobs.
    private final class RawWorker {
        let context: ZMQContext
        let dealer: ZMQSocket
        let id = WorkerID(rawValue: "raw-batch-worker")

        init(endpoint: String, slots: Int, wants: Int) throws {
            context = try ZMQContext()
            dealer = try context.socket(.dealer)
            try dealer.set(.receiveTimeout(milliseconds: 5000))
            try dealer.connect(endpoint)
            try send(.hello(.init(worker: id, host: "test", pid: 1, slots: slots, softwareVersion: "test")))
            guard case .welcome = try next() else { throw TestFailure("no welcome") }
            try send(.ready(.init(wants: wants, received: 0)))
        }

        func send(_ message: WorkerMessage) throws { try dealer.send(try WireCodec.encode(message)) }

        /// The next message, skipping heartbeats.
        func next() throws -> CoordinatorMessage {
            while true {
                let message = try WireCodec.decodeCoordinatorMessage(dealer.receive(maxFrames: 3))
                if message != .heartbeat { return message }
            }
        }

        /// Messages until `count` jobs were assigned; every `assign` received, in order.
        func assigns(totalling count: Int) throws -> [[JobAssignment]] {
            var batches: [[JobAssignment]] = []
            while batches.reduce(0, { $0 + $1.count }) < count {
                if case .assign(let assign) = try next() { batches.append(assign.jobs) }
            }
            return batches
        }

        /// The next `ack`, skipping other messages.
        func nextAck() throws -> [JobAttempt] {
            while true {
                if case .ack(let ack) = try next() { return ack.jobs }
            }
        }

        deinit {
            dealer.close()
            context.terminate()
        }
    }

    private static func noop(name: String, seeds: ClosedRange<Int>) -> String {
        """
        version: 1
        name: \(name)
        kind: noop
        seeds: \(seeds.lowerBound)..\(seeds.upperBound)
        max_attempts: 3
        job_timeout_seconds: 60
        """
    }

    private static func result(_ job: JobAssignment, attempt: Int? = nil, status: JobStatus = .completed) -> CompletedJob {
        CompletedJob(job: job.job, attempt: attempt ?? job.attempt, result: JobResult(status: status, summary: nil, seconds: 0.001))
    }

    @Test func manyJobsTravelInOneAssign_andOneResultsMessage_isCommittedAndAcknowledgedWhole() throws {
        let directory = try TemporaryDirectory()
        let coordinator = try RunningCoordinator(statePath: directory.statePath)
        let worker = try RawWorker(endpoint: coordinator.endpoint, slots: 8, wants: 64)
        let client = try CoordinatorClient(endpoint: coordinator.endpoint, timeoutSeconds: 10)
        try client.waitForWorkers(1)
        let jobs = 40
        let sweep = try client.submit(Self.noop(name: "batch", seeds: 0...(jobs - 1))).sweep

        // The whole sweep fits the worker's credit: it leaves in one message, each job leased
        // (and committed as started) on its own.
        let batches = try worker.assigns(totalling: jobs)
        #expect(batches.count == 1)
        let assigned = batches.flatMap { $0 }
        #expect(Set(assigned.map(\.job)).count == jobs)
        #expect(assigned.allSatisfy { $0.attempt == 1 })
        let started = try ResultStore(path: directory.statePath, readOnly: true).jobRecords(sweep: sweep)
        #expect(started.allSatisfy { $0.status == .running && $0.attempts.map(\.outcome) == [.running] })

        // All results in ONE message: one commit, one ack naming every attempt.
        try worker.send(.results(.init(assigned.map { Self.result($0) })))
        let acknowledged = try worker.nextAck()
        #expect(Set(acknowledged) == Set(assigned.map(\.jobAttempt)))
        #expect(acknowledged.count == jobs)
        let status = try client.waitUntilFinished(sweep, timeout: 10)
        #expect(status.counts.completed == jobs)
        #expect(coordinator.stop())
        _ = try expectEveryJobCompletedOnce(statePath: directory.statePath, sweep: sweep, jobs: jobs)
    }

    @Test func aBatchWithDuplicateRejectedAndInvalidResults_stillCommitsAndAcknowledgesTheOthers() throws {
        let directory = try TemporaryDirectory()
        let coordinator = try RunningCoordinator(statePath: directory.statePath)
        let worker = try RawWorker(endpoint: coordinator.endpoint, slots: 4, wants: 64)
        let client = try CoordinatorClient(endpoint: coordinator.endpoint, timeoutSeconds: 10)
        try client.waitForWorkers(1)
        let first = try client.submit(Self.noop(name: "first", seeds: 0...1)).sweep
        let early = try worker.assigns(totalling: 2).flatMap { $0 }
        try worker.send(.results(.init(early.map { Self.result($0) })))
        _ = try worker.nextAck()
        _ = try client.waitUntilFinished(first, timeout: 10)

        let jobs = 10
        let sweep = try client.submit(Self.noop(name: "second", seeds: 100...(99 + jobs))).sweep
        let assigned = try worker.assigns(totalling: jobs).flatMap { $0 }
        let good = Array(assigned.dropLast(2))
        let notIssued = Self.result(assigned[jobs - 2], attempt: 7)  // an attempt never issued: rejected
        let invalid = Self.result(assigned[jobs - 1], status: .failed)  // not a completion: rejected
        let duplicate = Self.result(early[0])  // recorded already: dropped
        try worker.send(.results(.init(good.map { Self.result($0) } + [notIssued, invalid, duplicate])))
        let acknowledged = try worker.nextAck()
        // Every report is acknowledged, whatever became of it, so the worker may forget them all.
        #expect(Set(acknowledged) == Set(good.map(\.jobAttempt) + [notIssued.jobAttempt, invalid.jobAttempt, duplicate.jobAttempt]))

        try client.waitUntil(sweep, timeout: 10) { $0.counts.completed == jobs - 2 }
        let records = try ResultStore(path: directory.statePath, readOnly: true).jobRecords(sweep: sweep)
        let byID = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
        for job in good {
            #expect(byID[job.job]?.status == .completed)
            #expect(byID[job.job]?.attempts.map(\.outcome) == [.completed])
        }
        // The two rejected jobs keep their leases: still running as attempt 1, no result.
        for job in assigned.suffix(2) {
            #expect(byID[job.job]?.status == .running)
            #expect(byID[job.job]?.result == nil)
            #expect(byID[job.job]?.attempts.map(\.number) == [1])
        }
        // Their real results, later, in one more batch, complete the sweep.
        try worker.send(.results(.init(assigned.suffix(2).map { Self.result($0) })))
        #expect(Set(try worker.nextAck()) == Set(assigned.suffix(2).map(\.jobAttempt)))
        #expect(try client.waitUntilFinished(sweep, timeout: 10).counts.completed == jobs)
        #expect(coordinator.stop())
        _ = try expectEveryJobCompletedOnce(statePath: directory.statePath, sweep: sweep, jobs: jobs)
        _ = try expectEveryJobCompletedOnce(statePath: directory.statePath, sweep: first, jobs: 2)
    }
}
