import Foundation
import SweepModel
import SweepStore
import SweepWire
import Testing
@testable import Coordinator
import TrainingCore

/// The event loop's pure parts: outbox merging, peer table, sweep lookup, persistence mapping,
/// log throttling, and reading a request id out of an undecodable client message.
@Suite struct LoopPartsTests {
    private let w1 = WorkerID(rawValue: "w1")
    private let w2 = WorkerID(rawValue: "w2")

    private func attempt(_ n: Int) -> JobAttempt { JobAttempt(job: JobID(rawValue: "job\(n)"), attempt: 1) }

    private func assignment(_ n: Int) -> JobAssignment {
        JobAssignment(
            job: JobID(rawValue: "job\(n)"), attempt: 1, parameters: JobParameters(kind: .noop, experiment: .init()),
            timeout: .seconds(60))
    }

    @Test func outbox_mergesConsecutiveAssignsAndAcks_perWorker_keepingOrder() {
        var outbox = Outbox()
        outbox.send(.assign(.init([assignment(1)])), to: w1)
        outbox.send(.assign(.init([assignment(2), assignment(3)])), to: w1)
        outbox.send(.ack(.init([attempt(9)])), to: w2)
        outbox.send(.abort(.init([attempt(1)], reason: "r")), to: w1)
        outbox.send(.assign(.init([assignment(4)])), to: w1)
        outbox.send(.ack(.init([attempt(10)])), to: w2)
        let (workers, replies, reconnects) = outbox.takeAll()
        #expect(replies.isEmpty && reconnects.isEmpty)
        #expect(workers.map(\.0) == [w1, w2])
        #expect(workers[0].1 == [
            .assign(.init([assignment(1), assignment(2), assignment(3)])),
            .abort(.init([attempt(1)], reason: "r")),
            .assign(.init([assignment(4)])),
        ])
        #expect(workers[1].1 == [.ack(.init([attempt(9), attempt(10)]))])
        #expect(outbox.isEmpty)
    }

    @Test func outbox_mergesInterleavedAcksAndAssigns_ofOneIteration_intoOneOfEach() {
        var outbox = Outbox()
        // A worker's results, then its ready, then more results: ack, assign, ack, assign.
        outbox.send(.ack(.init([attempt(1), attempt(2)])), to: w1)
        outbox.send(.assign(.init([assignment(5)])), to: w1)
        outbox.send(.ack(.init([attempt(3)])), to: w1)
        outbox.send(.heartbeat, to: w1)
        outbox.send(.assign(.init([assignment(6), assignment(7)])), to: w1)
        #expect(outbox.takeAll().workers.first?.1 == [
            .ack(.init([attempt(1), attempt(2), attempt(3)])),
            .assign(.init([assignment(5), assignment(6), assignment(7)])),
            .heartbeat,
        ])
    }

    @Test func outbox_neverMovesAnAssignAcrossAnAbort() {
        var outbox = Outbox()
        outbox.send(.assign(.init([assignment(1)])), to: w1)
        outbox.send(.abort(.init([attempt(1)], reason: "r")), to: w1)
        outbox.send(.ack(.init([attempt(9)])), to: w1)
        outbox.send(.assign(.init([assignment(1)])), to: w1)
        #expect(outbox.takeAll().workers.first?.1 == [
            .assign(.init([assignment(1)])),
            .abort(.init([attempt(1)], reason: "r")),
            .ack(.init([attempt(9)])),
            .assign(.init([assignment(1)])),
        ])
    }

    @Test func outbox_neverMergesBeyondMaxBatch() {
        var outbox = Outbox()
        let half = WireProtocol.maxBatch / 2 + 1
        outbox.send(.ack(.init((0..<half).map(attempt))), to: w1)
        outbox.send(.ack(.init((half..<2 * half).map(attempt))), to: w1)
        let messages = outbox.takeAll().workers.first?.1 ?? []
        #expect(messages.count == 2)
    }

    @Test func outbox_newSessionDropsWhatWasQueuedForTheOldOne() {
        var outbox = Outbox()
        outbox.send(.assign(.init([assignment(1)])), to: w1)
        let welcome = CoordinatorMessage.welcome(.init(worker: w1, softwareVersion: "t"))
        outbox.startSession(of: w1, with: welcome)
        outbox.send(.assign(.init([assignment(2)])), to: w1)
        #expect(outbox.takeAll().workers.first?.1 == [welcome, .assign(.init([assignment(2)]))])
    }

    @Test func peerTable_newestHelloOwnsTheWorker_andOldRoutesAreForgotten() {
        var peers = PeerTable()
        let hello = WorkerMessage.Hello(worker: w1, host: "h", pid: 7, slots: 2, softwareVersion: "v")
        peers.hello(hello, route: Array("w1#1".utf8), at: .zero, date: Date())
        peers.countAssigned(3, to: w1)
        peers.countCompleted(2, by: w1)
        peers.hello(hello, route: Array("w1#2".utf8), at: .zero, date: Date())
        #expect(peers.worker(at: Array("w1#1".utf8)) == nil)
        #expect(peers.worker(at: Array("w1#2".utf8)) == w1)
        #expect(peers.route(of: w1) == Array("w1#2".utf8))
        #expect(peers.session(of: w1)?.assigned == 0)
        #expect(peers.session(of: w1)?.completed == 2)
        // Forgotten once the scheduler no longer knows it and it stayed silent.
        peers.purge(at: MonotonicInstant(nanoseconds: 60_000_000_000), interval: .seconds(1), forgetAfter: .seconds(12)) { _ in false }
        #expect(peers.session(of: w1) == nil)
        #expect(peers.worker(at: Array("w1#2".utf8)) == nil)
    }

    @Test func peerTable_asksUnknownPeersToReconnectAtMostOncePerInterval() {
        var peers = PeerTable()
        let route = Array("stranger".utf8)
        let second = MonotonicInstant(nanoseconds: 1_000_000_000)
        let first = peers.mayAskToReconnect(route, at: .zero, interval: .seconds(1))
        let tooSoon = peers.mayAskToReconnect(route, at: MonotonicInstant(nanoseconds: 500_000_000), interval: .seconds(1))
        let later = peers.mayAskToReconnect(route, at: second, interval: .seconds(1))
        #expect(first && !tooSoon && later)
    }

    @Test func sweepDirectory_looksUpByIdPrefixAndName_likeTheStore() {
        var directory = SweepDirectory()
        let date = Date(timeIntervalSince1970: 0)
        func record(_ id: String, _ name: String) -> SweepRecord {
            SweepRecord(id: SweepID(rawValue: id), name: name, sourceText: "", sourceName: "", maxAttempts: 1,
                jobTimeoutSeconds: 1, createdAt: date)
        }
        directory.add(record("abc123", "alpha"))
        directory.add(record("abd456", "beta"))
        directory.add(record("ffff00", "beta"))
        #expect(directory.lookup("ABC123") == .found(record("abc123", "alpha")))
        #expect(directory.lookup("abc") == .found(record("abc123", "alpha")))
        #expect(directory.lookup("alpha") == .found(record("abc123", "alpha")))
        guard case .ambiguous(let byPrefix) = directory.lookup("ab") else {
            Issue.record("a shared prefix should be ambiguous")
            return
        }
        #expect(byPrefix.count == 2)
        guard case .ambiguous = directory.lookup("beta") else {
            Issue.record("a shared name should be ambiguous")
            return
        }
        #expect(directory.lookup("gamma") == .notFound)
        #expect(directory.lookup("  ") == .notFound)
    }

    @Test func persistenceBatch_writesACancellationOncePerSweep_andCountsResultsPerReporter() {
        var directory = SweepDirectory()
        let sweep = SweepID(rawValue: "s")
        directory.add(SweepRecord(id: sweep, name: "s", sourceText: "", sourceName: "", maxAttempts: 1,
            jobTimeoutSeconds: 1, createdAt: Date(timeIntervalSince1970: 0)))
        let date = Date(timeIntervalSince1970: 5)
        let job = JobID(rawValue: "j")
        var batch = PersistenceBatch()
        let result = JobResult(status: .completed, summary: nil, seconds: 1)
        batch.add(.resultRecorded(job: job, attempt: 1, result: result), deliveredBy: w1, directory: directory)
        batch.add(.jobsCancelled([job]), directory: directory)
        batch.add(.sweepCancelled(sweep), directory: directory)
        batch.add(.jobsCancelled([]), directory: directory)
        batch.add(.sweepCancelled(sweep), directory: directory)
        batch.add(.sweepFinished(sweep), directory: directory)
        #expect(batch.changes == [
            .resultRecorded(job: job, attempt: 1, result: result), .jobsCancelled([job]), .sweepCancelled(sweep), .sweepFinished(sweep),
        ])
        #expect(batch.resultsByWorker == [w1: 1])
        batch.committed(into: &directory, at: date)
        #expect(directory.record(sweep)?.cancelled == true)
        #expect(directory.record(sweep)?.finishedAt == date)
        // Once the directory knows, a later cancellation of the same sweep writes only its jobs.
        var later = PersistenceBatch()
        later.add(.jobsCancelled([job]), directory: directory)
        later.add(.sweepCancelled(sweep), directory: directory)
        #expect(later.changes == [.jobsCancelled([job])])
    }

    @Test func logThrottle_letsABurstThroughPerWindow_andCountsTheRest() {
        var throttle = LogThrottle(burst: 2, window: .seconds(10))
        var decisions: [Bool] = []
        for _ in 0..<4 { decisions.append(throttle.allow(at: .zero).log) }
        #expect(decisions == [true, true, false, false])
        let nextWindow = throttle.allow(at: MonotonicInstant(nanoseconds: 11_000_000_000))
        #expect(nextWindow.log)
        #expect(nextWindow.suppressedBefore == 2)
    }

    @Test func clientRequestID_isReadFromAnUndecodableClientMessageOnly() throws {
        var request = try WireCodec.encode(ClientRequest.status(.init(sweep: nil)), requestID: 0x0102_0304_0506_0708)
        request[1].append(0xFF)
        #expect(CoordinatorLoop.clientRequestID(in: request[...]) == 0x0102_0304_0506_0708)
        let worker = try WireCodec.encode(WorkerMessage.goodbye(.init(reason: "x")))
        #expect(CoordinatorLoop.clientRequestID(in: worker[...]) == nil)
        #expect(CoordinatorLoop.clientRequestID(in: [[1, 2, 3]]) == nil)
        #expect(CoordinatorLoop.clientRequestID(in: [WireProtocol.header, [200]]) == nil)
    }
}
