import Foundation
import SweepModel
import Synchronization
import Testing
import ZeroMQ
@testable import SweepWire

/// The typed client against a scripted coordinator: a real ROUTER socket on its own thread that
/// answers each request with what the test says.
@Suite(.serialized) struct SweepClientTests {
    /// Serves `answers.count` requests, answering the n-th with `answers[n]` (given the request).
    final class ScriptedCoordinator: Sendable {
        /// What the serving thread shares with the test.
        final class Shared: Sendable {
            let received = Mutex<[ClientRequest]>([])
            let bound = Mutex<Result<String, ZMQError>?>(nil)
        }

        let endpoint: String
        private let shared = Shared()
        private let done = DispatchSemaphore(value: 0)

        init(_ answers: [@Sendable (ClientRequest) -> ClientReply]) throws {
            let ready = DispatchSemaphore(value: 0)
            let shared = self.shared
            let done = self.done
            let thread = Thread {
                defer { done.signal() }
                do {
                    let context = try ZMQContext()
                    defer { context.terminate() }
                    let router = try context.socket(.router, linger: 0)
                    defer { router.close() }
                    try router.set(WireSocketOptions.coordinator + [.receiveTimeout(milliseconds: 5000)])
                    try router.bind("tcp://127.0.0.1:*")
                    shared.bound.withLock { $0 = .success((try? router.lastEndpoint()) ?? "") }
                    ready.signal()
                    for answer in answers {
                        let frames = try router.receive(maxFrames: 3)
                        guard let peer = frames.first,
                              case .client(let id, let request) = try WireCodec.decodeInbound(frames.dropFirst()) else { return }
                        shared.received.withLock { $0.append(request) }
                        try router.send([peer] + WireCodec.encode(answer(request), requestID: id))
                    }
                } catch let error as ZMQError {
                    shared.bound.withLock { if $0 == nil { $0 = .failure(error) } }
                    ready.signal()
                } catch {
                    ready.signal()
                }
            }
            thread.start()
            ready.wait()
            endpoint = try shared.bound.withLock { try ($0 ?? .success("")).get() }
        }

        /// The requests served so far, after waiting for the script to end.
        func requests() -> [ClientRequest] {
            done.wait()
            return shared.received.withLock { $0 }
        }
    }

    static let sweep = SweepID(rawValue: String(repeating: "ab", count: 32))

    static func status(ended: Bool) -> ClientReply {
        var counts = ClientReply.JobCounts()
        counts.pending = ended ? 0 : 2
        counts.clustered = ended ? 2 : 0
        return .status(.init(
            sweeps: [.init(sweep: sweep, name: "s", counts: counts, cancelled: false, createdAt: Date(timeIntervalSince1970: 0),
                           finishedAt: nil, jobsPerSecond: 0, etaSeconds: nil)],
            workersAlive: 1, slotsAlive: 1, jobsPerSecond: 0))
    }

    @Test func typedCalls_returnTheirReplies() throws {
        let server = try ScriptedCoordinator([
            { _ in .submitted(.init(sweep: Self.sweep, name: "s", totalJobs: 2, alreadyDone: 0, resubmitted: false)) },
            { _ in .cancelled(.init(sweep: Self.sweep, jobsCancelled: 2)) },
            { _ in .workers(.init([])) },
        ])
        let client = try SweepClient(endpoint: server.endpoint, timeoutSeconds: 5)
        #expect(try client.submit(sourceText: "version: 1", sourceName: "s.yaml").totalJobs == 2)
        #expect(try client.cancel(Self.sweep).jobsCancelled == 2)
        #expect(try client.workers().isEmpty)
        #expect(server.requests().map(\.kind) == ["client.submit", "client.cancel", "client.workers"])
    }

    @Test func refusal_keepsItsCodeAndMessage() throws {
        let server = try ScriptedCoordinator([{ _ in .error(.init(code: .unknownSweep, message: "no sweep 'nosuch'")) }])
        let client = try SweepClient(endpoint: server.endpoint, timeoutSeconds: 5)
        #expect(throws: SweepClientError.refused(.init(code: .unknownSweep, message: "no sweep 'nosuch'"))) {
            try client.status(SweepID(rawValue: "nosuch"))
        }
        _ = server.requests()
    }

    @Test func replyOfAnotherKind_isAnUnexpectedReply() throws {
        let server = try ScriptedCoordinator([{ _ in .workers(.init([])) }])
        let client = try SweepClient(endpoint: server.endpoint, timeoutSeconds: 5)
        do {
            _ = try client.cancel(Self.sweep)
            Issue.record("a workers reply to cancel was accepted")
        } catch {
            guard case .unexpectedReply(let request, _) = error else {
                Issue.record("expected unexpectedReply, got \(error)")
                return
            }
            #expect(request == "client.cancel")
        }
        _ = server.requests()
    }

    @Test func waitUntilEnded_pollsUntilTheSweepEnds_andReportsEachStatus() throws {
        let server = try ScriptedCoordinator([
            { _ in Self.status(ended: false) }, { _ in Self.status(ended: false) }, { _ in Self.status(ended: true) },
        ])
        let client = try SweepClient(endpoint: server.endpoint, timeoutSeconds: 5)
        var seen = 0
        let final = try client.waitUntilEnded(Self.sweep, interval: .milliseconds(1), progress: { _, _ in seen += 1 })
        #expect(final.counts.clustered == 2 && seen == 3)
        #expect(server.requests().count == 3)
    }

    @Test func waitUntilEnded_stopsWhenAsked() throws {
        let server = try ScriptedCoordinator([{ _ in Self.status(ended: false) }])
        let client = try SweepClient(endpoint: server.endpoint, timeoutSeconds: 5)
        #expect(throws: SweepClientError.stopped) {
            try client.waitUntilEnded(Self.sweep, interval: .milliseconds(1), shouldStop: { true })
        }
        #expect(server.requests().count == 1)
    }

    @Test func silentEndpoint_isATransportErrorNamingIt() throws {
        // A ROUTER that never answers: the client's deadline ends the call.
        let context = try ZMQContext()
        let router = try context.socket(.router, linger: 0)
        try router.bind("tcp://127.0.0.1:*")
        let endpoint = try router.lastEndpoint()
        let client = try SweepClient(endpoint: endpoint, timeoutSeconds: 0.2)
        do {
            _ = try client.workers()
            Issue.record("a silent coordinator answered")
        } catch {
            #expect(error == .transport(.unreachable(endpoint, seconds: 0.2)))
            #expect(error.description.contains(endpoint))
        }
        router.close()
        context.terminate()
    }
}
