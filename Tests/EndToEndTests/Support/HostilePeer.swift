import Foundation
import SweepModel
import SweepWire
import TrainingCore
import ZeroMQ

/// A misbehaving peer of the coordinator for the wire chaos test: raw DEALER sockets that send
/// random frames, truncated and bit-flipped messages, wrong protocol versions, unknown kinds,
/// oversized messages, results for unknown jobs and for jobs of another worker, and floods of
/// heartbeats and hellos. Seeded; every socket is used on the thread that made it.
final class HostilePeer {
    /// What each kind of abuse sent, for the report.
    struct Tally: CustomStringConvertible {
        var randomFrames = 0, truncated = 0, wrongVersion = 0, unknownKind = 0, oversized = 0
        var unknownJobs = 0, wrongWorker = 0, heartbeats = 0, hellos = 0, badRequests = 0
        var total: Int {
            randomFrames + truncated + wrongVersion + unknownKind + oversized + unknownJobs + wrongWorker + heartbeats
                + hellos + badRequests
        }
        var description: String {
            "\(total) hostile messages: random frames \(randomFrames), truncated/flipped \(truncated), wrong version \(wrongVersion), "
                + "unknown kind \(unknownKind), oversized \(oversized), results for unknown jobs \(unknownJobs), "
                + "results from the wrong worker \(wrongWorker), heartbeats \(heartbeats), hellos \(hellos), bad requests \(badRequests)"
        }
    }

    /// The result every forged report carries, so the test can prove none was recorded.
    static let forgedSeconds = 4242.4242
    static let forgedResult = JobResult(status: .diverged, summary: nil, seconds: forgedSeconds)
    /// Worker ids the peer says hello as all start with this.
    static let workerPrefix = "intruder-"

    let endpoint: String
    private let context: ZMQContext
    private let main: ZMQSocket
    private var rng: SplitMix
    private(set) var tally = Tally()
    private var helloCount = 0
    private var barriers = 0

    init(endpoint: String, seed: UInt64) throws {
        self.endpoint = endpoint
        rng = SplitMix(seed: seed)
        context = try ZMQContext()
        main = try Self.dealer(context, endpoint: endpoint, identity: "intruder-main")
    }

    private static func dealer(_ context: ZMQContext, endpoint: String, identity: String?) throws -> ZMQSocket {
        let socket = try context.socket(.dealer, linger: 0)
        try socket.set(.sendTimeout(milliseconds: 2000))
        if let identity { try socket.set(.routingID(Array(identity.utf8))) }
        try socket.connect(endpoint)
        return socket
    }

    func close() {
        main.close()
        context.terminate()
    }

    // MARK: - One round of everything

    /// One round of every kind of abuse, `scale` sets how many of each. `running` are attempts the
    /// real worker holds now (for results from the wrong worker), `known` jobs of the sweep.
    func round(scale: Int, running: [JobAttempt], known: [JobID]) throws {
        try randomFrames(count: 40 * scale)
        try truncatedMessages(count: 40 * scale, known: known)
        try wrongVersions()
        try unknownKinds()
        try resultsForUnknownJobs(count: 5 * scale)
        try resultsFromTheWrongWorker(running: running, known: known)
        try heartbeatFlood(count: 1000 * scale, freshPeers: 5 * scale)
        try badClientRequests(count: 10 * scale)
        drain(main)
    }

    /// One message bigger than the coordinator's `ZMQ_MAXMSGSIZE` on a socket of its own (libzmq
    /// drops the frame and that connection).
    func oversized() throws {
        let socket = try Self.dealer(context, endpoint: endpoint, identity: nil)
        defer { socket.close() }
        var payload = [UInt8(14)] + Array("worker.results".utf8)
        payload += [UInt8](repeating: 0x41, count: WireProtocol.maxInboundPayloadBytes + 1024 * 1024)
        try socket.send([WireProtocol.header, payload])
        tally.oversized += 1
        Thread.sleep(forTimeInterval: 0.3)
    }

    /// Sends a well-formed `client.workers` request on the main socket and waits (up to
    /// `timeout`) for its answer. The coordinator handles one connection's messages in order and
    /// sends replies after committing, so once the answer is here every forged message sent
    /// before it has been handled: a check that none was recorded now means something.
    func barrier(timeout: Duration = .seconds(30)) throws {
        barriers += 1
        let requestID = UInt64(1_000_000 + barriers)
        try main.send(try WireCodec.encode(ClientRequest.workers, requestID: requestID))
        let poller = ZMQPoller()
        try poller.register(main)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard try poller.poll(timeoutMilliseconds: 100).isReadable(0) else { continue }
            while let frames = try main.tryReceive(maxFrames: 8) {
                do throws(WireError) {
                    if try WireCodec.decodeClientReply(frames).requestID == requestID { return }
                } catch {
                    // Coordinator messages (reconnect, welcome, ack) share the socket; nothing else may.
                    guard case .unknownKind = error else { throw error }
                    _ = try WireCodec.decodeCoordinatorMessage(frames)
                }
            }
        }
        throw HarnessError("the coordinator did not answer the hostile peer's barrier request within \(timeout)")
    }

    // MARK: - Kinds of abuse

    private func randomBytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    private func random(_ range: Range<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }

    private func randomFrames(count: Int) throws {
        for _ in 0..<count {
            let frames = (0..<random(1..<6)).map { _ in randomBytes(random(0..<300)) }
            // Sometimes a valid header, so the payload decoder gets the garbage.
            let message = rng.next() % 2 == 0 ? [WireProtocol.header] + frames.prefix(1) : frames
            try main.send(message)
            tally.randomFrames += 1
        }
    }

    private func sampleMessage(known: [JobID]) throws -> [[UInt8]] {
        let job = known.isEmpty ? JobID(rawValue: String(repeating: "ab", count: 32)) : known[random(0..<known.count)]
        let metrics = MetricValues(loss: 1, ldaSilhouette: 0.5, knnAccuracy: 0.9, silhouette: 0.4, fisherRatio: 2)
        let messages: [WorkerMessage] = [
            .hello(.init(worker: WorkerID(rawValue: "\(Self.workerPrefix)t"), host: "h", pid: 1, slots: 0, softwareVersion: "x",
                finished: [CompletedJob(job: job, attempt: 1, result: Self.forgedResult)])),
            .results(.init([CompletedJob(job: job, attempt: 1, result: Self.forgedResult)])),
            .failures(.init([FailedJob(job: job, attempt: 1, error: "forged")])),
            .progress(.init(job: job, attempt: 1, epoch: 3, metrics: metrics)),
            .ready(.init(wants: 5, received: 0)),
            .released(.init([JobAttempt(job: job, attempt: 1)])),
        ]
        return try WireCodec.encode(messages[random(0..<messages.count)])
    }

    private func truncatedMessages(count: Int, known: [JobID]) throws {
        for _ in 0..<count {
            var frames = try sampleMessage(known: known)
            let payload = frames[1]
            switch rng.next() % 3 {
            case 0: frames[1] = Array(payload.prefix(random(0..<max(1, payload.count))))  // cut short
            case 1:  // flip a byte in the body (past the kind, so the decoder reaches the body)
                var flipped = payload
                let at = random(0..<flipped.count)
                flipped[at] ^= UInt8(truncatingIfNeeded: 1 + rng.next() % 255)
                frames[1] = flipped
            default: frames[1] = payload + randomBytes(random(1..<16))  // trailing garbage
            }
            try main.send(frames)
            tally.truncated += 1
        }
    }

    private func wrongVersions() throws {
        let valid = try WireCodec.encode(WorkerMessage.heartbeat)
        for header in ["CLUSTERSWEEP/0", "CLUSTERSWEEP/1", "CLUSTERSWEEP/99999999999999999999", "clustersweep/1", "CLUSTERSWEEP/", "CLUSTERSWEEP/-1", ""] {
            try main.send([Array(header.utf8), valid[1]])
            tally.wrongVersion += 1
        }
    }

    private func unknownKinds() throws {
        for kind in ["worker.nothing", "client.rm-rf", "coordinator.assign", "", String(repeating: "k", count: 200)] {
            let bytes = Array(kind.utf8.prefix(255))
            try main.send([WireProtocol.header, [UInt8(bytes.count)] + bytes + randomBytes(random(0..<32))])
            tally.unknownKind += 1
        }
        // A kind length byte that promises more than there is.
        try main.send([WireProtocol.header, [250, 0x77]])
        tally.unknownKind += 1
    }

    /// Says hello as a fresh intruder worker (no slots, so it never gets a job), then reports
    /// results and failures for jobs that do not exist.
    private func resultsForUnknownJobs(count: Int) throws {
        let worker = nextIntruder()
        try main.send(try WireCodec.encode(WorkerMessage.hello(.init(
            worker: worker, host: "nowhere", pid: 1, slots: 0, softwareVersion: "hostile"))))
        tally.hellos += 1
        for _ in 0..<count {
            let job = JobID(rawValue: randomBytes(32).map { String(format: "%02x", $0) }.joined())
            let completed = CompletedJob(job: job, attempt: random(1..<4), result: Self.forgedResult)
            try main.send(try WireCodec.encode(WorkerMessage.results(.init([completed]))))
            try main.send(try WireCodec.encode(WorkerMessage.failures(.init([FailedJob(job: job, attempt: 1, error: "forged")]))))
            tally.unknownJobs += 2
        }
    }

    /// Results, failures and releases for attempts that belong to the real worker (running now)
    /// or to nobody (finished jobs), from an intruder that said hello.
    private func resultsFromTheWrongWorker(running: [JobAttempt], known: [JobID]) throws {
        let worker = nextIntruder()
        let stolen = running + known.prefix(5).map { JobAttempt(job: $0, attempt: 1) }
        try main.send(try WireCodec.encode(WorkerMessage.hello(.init(
            worker: worker, host: "nowhere", pid: 1, slots: 0, softwareVersion: "hostile", running: stolen,
            finished: stolen.map { CompletedJob(job: $0.job, attempt: $0.attempt, result: Self.forgedResult) }))))
        tally.hellos += 1
        for attempt in stolen {
            try main.send(try WireCodec.encode(WorkerMessage.results(.init([
                CompletedJob(job: attempt.job, attempt: attempt.attempt, result: Self.forgedResult),
            ]))))
            try main.send(try WireCodec.encode(WorkerMessage.failures(.init([FailedJob(job: attempt.job, attempt: attempt.attempt, error: "forged")]))))
            try main.send(try WireCodec.encode(WorkerMessage.released(.init([attempt]))))
            tally.wrongWorker += 3
        }
    }

    /// Heartbeats from the main socket (an intruder that said hello) and from fresh sockets that
    /// never did, plus hellos from many worker ids (the coordinator must forget them).
    private func heartbeatFlood(count: Int, freshPeers: Int) throws {
        let heartbeat = try WireCodec.encode(WorkerMessage.heartbeat)
        for _ in 0..<count {
            try main.send(heartbeat)
            tally.heartbeats += 1
        }
        for _ in 0..<freshPeers {
            let socket = try Self.dealer(context, endpoint: endpoint, identity: nil)
            try socket.send(try WireCodec.encode(WorkerMessage.hello(.init(
                worker: nextIntruder(), host: "nowhere", pid: 1, slots: 0, softwareVersion: "hostile"))))
            tally.hellos += 1
            for _ in 0..<100 {
                try socket.send(heartbeat)
                tally.heartbeats += 1
            }
            drain(socket)
            socket.close()
        }
    }

    private func badClientRequests(count: Int) throws {
        for index in 0..<count {
            var frames = try WireCodec.encode(ClientRequest.status(.init(sweep: nil)), requestID: UInt64(index))
            frames[1] += randomBytes(random(1..<8))
            try main.send(frames)
            tally.badRequests += 1
        }
    }

    private func nextIntruder() -> WorkerID {
        helloCount += 1
        return WorkerID(rawValue: "\(Self.workerPrefix)\(helloCount)")
    }

    /// Reads whatever the coordinator sent back (reconnects, welcomes, acks, error replies).
    private func drain(_ socket: ZMQSocket) {
        while let frames = try? socket.tryReceive(maxFrames: 8), !frames.isEmpty {}
    }
}
