import Foundation
import SweepModel
import SweepStore
import SweepWire
import Testing
import TrainingCore
import ZeroMQ
@testable import Coordinator

/// The coordinator with real sockets, a real state file and real worker processes over
/// tcp://127.0.0.1 (`.build/debug/clustersweep worker`).
@Suite(.serialized) struct CoordinatorServiceTests {
    @Test func smokeSweep_completesEveryJobExactlyOnce_withTwoWorkerProcesses() throws {
        let directory = try TemporaryDirectory()
        let coordinator = try RunningCoordinator(statePath: directory.statePath)
        let workers = try (0..<2).map { _ in try WorkerProcess(endpoint: coordinator.endpoint, slots: 2) }
        let client = try CoordinatorClient(endpoint: coordinator.endpoint, timeoutSeconds: 10)
        try client.waitForWorkers(2)

        let text = try Package.text(of: "configs/smoke.yaml")
        let submitted = try client.submit(text, name: "configs/smoke.yaml")
        #expect(submitted.totalJobs == 4)
        #expect(submitted.name == "smoke")
        #expect(!submitted.resubmitted)
        let status = try client.waitUntilFinished(submitted.sweep, timeout: 60)
        #expect(status.counts.finished == 4)
        #expect(status.counts.failed == 0)

        // Resubmitting is idempotent; the sweep is found by name; the report has every job.
        let again = try client.submit(text, name: "configs/smoke.yaml")
        #expect(again.sweep == submitted.sweep)
        #expect(again.resubmitted)
        #expect(again.alreadyDone == 4)
        guard case .report(let report) = try client.send(.report(.init(sweep: SweepID(rawValue: "smoke")))) else {
            Issue.record("report by name did not answer a report")
            return
        }
        #expect(report.sweep.id == submitted.sweep)
        #expect(report.jobs.count == 4)
        #expect(report.jobs.allSatisfy { $0.result != nil })
        guard case .workers(let list) = try client.send(.workers) else {
            Issue.record("workers did not answer a list")
            return
        }
        #expect(list.workers.count == 2)
        #expect(Set(list.workers.map(\.pid)) == Set(workers.map { Int($0.pid) }))
        #expect(list.workers.map(\.completed).reduce(0, +) == 4)

        // A graceful stop with shutdownWorkers lets the workers leave with exit status 0.
        #expect(coordinator.stop(shutdownWorkers: true))
        #expect(coordinator.runError == nil)
        for worker in workers { #expect(worker.waitForExit(timeout: 10) == 0) }
        try expectEveryJobCompletedOnce(statePath: directory.statePath, sweep: submitted.sweep, jobs: 4)
    }

    @Test func restart_onTheSameStateFileMidSweep_losesNothingAndRunsNothingTwice() throws {
        let directory = try TemporaryDirectory()
        let first = try RunningCoordinator(statePath: directory.statePath)
        let endpoint = first.endpoint
        let workers = try (0..<2).map { _ in try WorkerProcess(endpoint: endpoint, slots: 2) }
        var client = try CoordinatorClient(endpoint: endpoint, timeoutSeconds: 10)
        try client.waitForWorkers(2)
        let jobs = 40
        let sweep = try client.submit(sleepSweep(name: "restart", jobs: jobs, sleepMs: 100)).sweep
        try client.waitUntil(sweep, timeout: 30) { $0.counts.finished >= 8 }

        #expect(first.stop())
        #expect(first.runError == nil)
        let store = try ResultStore(path: directory.statePath, readOnly: true)
        let doneBefore = try store.jobRecords(sweep: sweep).filter { $0.status.isCompleted }
        #expect(doneBefore.count >= 8 && doneBefore.count < jobs)

        // Same file, same endpoint: the workers find the new coordinator by themselves.
        let second = try RunningCoordinator(statePath: directory.statePath, bind: endpoint)
        client = try CoordinatorClient(endpoint: endpoint, timeoutSeconds: 10)
        let status = try client.waitUntilFinished(sweep, timeout: 40)
        #expect(status.counts.finished == jobs)
        #expect(status.counts.completed == jobs)
        #expect(second.stop(shutdownWorkers: true))
        for worker in workers { #expect(worker.waitForExit(timeout: 10) == 0) }

        let records = try expectEveryJobCompletedOnce(statePath: directory.statePath, sweep: sweep, jobs: jobs)
        // What was done before the restart kept its one result, from the same attempt.
        let after = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
        for job in doneBefore {
            #expect(after[job.id]?.result == job.result)
            #expect(after[job.id]?.attempts.filter { $0.outcome == .completed }.map(\.number)
                == job.attempts.filter { $0.outcome == .completed }.map(\.number))
        }
    }

    @Test func killedCoordinatorProcess_restartedOnItsFile_completesTheSweep() throws {
        let directory = try TemporaryDirectory()
        var coordinator = try CoordinatorProcess(statePath: directory.statePath, bind: "tcp://127.0.0.1:0")
        let endpoint = coordinator.endpoint
        let workers = try (0..<2).map { _ in try WorkerProcess(endpoint: endpoint, slots: 2) }
        var client = try CoordinatorClient(endpoint: endpoint, timeoutSeconds: 10)
        try client.waitForWorkers(2)
        let jobs = 40
        let sweep = try client.submit(sleepSweep(name: "kill-9", jobs: jobs, sleepMs: 100)).sweep
        try client.waitUntil(sweep, timeout: 30) { $0.counts.finished >= 10 }

        coordinator.kill(SIGKILL)
        #expect(coordinator.waitForExit(timeout: 5) != nil)
        coordinator = try CoordinatorProcess(statePath: directory.statePath, bind: endpoint)
        client = try CoordinatorClient(endpoint: endpoint, timeoutSeconds: 10)
        let status = try client.waitUntilFinished(sweep, timeout: 40)
        #expect(status.counts.completed == jobs)

        coordinator.kill(SIGTERM)
        #expect(coordinator.waitForExit(timeout: 10) == 0)
        for worker in workers { worker.kill(SIGTERM) }
        for worker in workers { #expect(worker.waitForExit(timeout: 10) == 0) }
        try expectEveryJobCompletedOnce(statePath: directory.statePath, sweep: sweep, jobs: jobs)
    }

    @Test func malformedFramesFromARawDealer_leaveARunningSweepUndisturbed() throws {
        let directory = try TemporaryDirectory()
        let coordinator = try RunningCoordinator(statePath: directory.statePath)
        let worker = try WorkerProcess(endpoint: coordinator.endpoint, slots: 2)
        let client = try CoordinatorClient(endpoint: coordinator.endpoint, timeoutSeconds: 10)
        try client.waitForWorkers(1)
        let jobs = 30
        let sweep = try client.submit(sleepSweep(name: "hostile", jobs: jobs, sleepMs: 30)).sweep
        let someJob = try #require(try ResultStore(path: directory.statePath, readOnly: true).jobRecords(sweep: sweep).first?.id)

        let context = try ZMQContext()
        let dealer = try context.socket(.dealer)
        try dealer.set(.receiveTimeout(milliseconds: 3000))
        try dealer.set(.routingID(Array("intruder-peer".utf8)))
        try dealer.connect(coordinator.endpoint)
        let header = WireProtocol.header
        // Garbage of every shape: one frame, a bad header, another version, too many frames,
        // an unknown kind, a truncated body.
        try dealer.send([Array("hello?".utf8)])
        try dealer.send([Array("NOT-A-HEADER".utf8), [1, 2, 3]])
        try dealer.send([Array("CLUSTERSWEEP/1".utf8), [1, 0x41]])
        try dealer.send([header, [3, 0x61, 0x62, 0x63], [1], [2], [3]])
        try dealer.send([header, [14] + Array("worker.nothing".utf8)])
        var truncated = try WireCodec.encode(WorkerMessage.progress(.init(job: someJob, attempt: 1, epoch: 1, metrics: MetricValues(loss: 1, ldaSilhouette: 0, knnAccuracy: 0, silhouette: 0, fisherRatio: 0))))
        truncated[1].removeLast(3)
        try dealer.send(truncated)
        // A result from a peer that never said hello is answered with `reconnect`, not recorded.
        let forged = WorkerMessage.results(.init([CompletedJob(job: someJob, attempt: 1, result: JobResult(status: .clustered, summary: nil, seconds: 0))]))
        try dealer.send(try WireCodec.encode(forged))
        #expect(try nextMessage(from: dealer) == .reconnect)
        // A flood of heartbeats from the unknown peer gets at most one more reconnect a second.
        for _ in 0..<2000 { try dealer.send(try WireCodec.encode(WorkerMessage.heartbeat)) }
        // A client request with a broken body is answered with bad_request.
        var badRequest = try WireCodec.encode(ClientRequest.status(.init(sweep: nil)), requestID: 77)
        badRequest[1].append(0xFF)
        try dealer.send(badRequest)
        let (requestID, reply) = try nextReply(from: dealer)
        #expect(requestID == 77)
        guard case .error(let failure) = reply else {
            Issue.record("expected an error reply, got \(reply)")
            return
        }
        #expect(failure.code == .badRequest)
        // After a hello, a result for an attempt never issued to this worker is acknowledged
        // (so it stops resending) but not recorded.
        let intruder = WorkerID(rawValue: "intruder")
        try dealer.send(try WireCodec.encode(WorkerMessage.hello(.init(
            worker: intruder, host: "nowhere", pid: 1, slots: 0, softwareVersion: "x", finished: [
                CompletedJob(job: someJob, attempt: 1, result: JobResult(status: .clustered, summary: nil, seconds: 0)),
            ]))))
        var sawWelcome = false
        var sawAck = false
        while !(sawWelcome && sawAck) {
            switch try nextMessage(from: dealer) {
            case .welcome(let welcome): sawWelcome = welcome.worker == intruder
            case .ack(let ack): sawAck = ack.jobs == [JobAttempt(job: someJob, attempt: 1)]
            default: break
            }
        }
        dealer.close()
        context.terminate()

        let status = try client.waitUntilFinished(sweep, timeout: 30)
        #expect(status.counts.completed == jobs)
        #expect(coordinator.stop(shutdownWorkers: true))
        #expect(worker.waitForExit(timeout: 10) == 0)
        let records = try expectEveryJobCompletedOnce(statePath: directory.statePath, sweep: sweep, jobs: jobs)
        let attempts = records.flatMap(\.attempts)
        #expect(!attempts.contains { $0.worker == intruder })
    }

    /// `status` keeps answering, with consistent counts, while jobs stream through the loop. How
    /// fast it answers is printed, not asserted (a shared 2-core machine decides that; the load
    /// test under `make chaos` and `make bench` measure it).
    @Test func status_answersConsistently_whileNoopJobsStreamThrough() throws {
        let directory = try TemporaryDirectory()
        let coordinator = try RunningCoordinator(statePath: directory.statePath)
        let workers = try (0..<2).map { _ in try WorkerProcess(endpoint: coordinator.endpoint, slots: 2) }
        let client = try CoordinatorClient(endpoint: coordinator.endpoint, timeoutSeconds: 10)
        try client.waitForWorkers(2)
        let jobs = 3000
        let sweep = try client.submit(noopSweep(name: "stream", jobs: jobs)).sweep
        var slowest = Duration.zero
        var polls = 0
        var midSweepAnswers = 0
        var lastFinished = 0
        let deadline = ContinuousClock.now + .seconds(120)  // hang guard only
        while true {
            let start = ContinuousClock.now
            let status = try client.status(of: sweep)
            slowest = max(slowest, ContinuousClock.now - start)
            polls += 1
            #expect(status.counts.total == jobs, "\(status.counts)")
            #expect(status.counts.finished >= lastFinished, "finished went back from \(lastFinished): \(status.counts)")
            lastFinished = status.counts.finished
            if status.counts.pending + status.counts.running == 0 { break }
            if status.counts.finished > 0 { midSweepAnswers += 1 }
            try #require(ContinuousClock.now < deadline, "sweep not finished: \(status.counts)")
            Thread.sleep(forTimeInterval: 0.01)
        }
        print("status during a \(jobs)-job noop sweep (debug build): \(polls) answers, \(midSweepAnswers) mid-sweep, slowest \(slowest)")
        #expect(lastFinished == jobs)
        // The check above ran while jobs were in flight, not only before or after the sweep.
        #expect(midSweepAnswers > 0, "no status answered between the first and the last result")
        #expect(coordinator.stop(shutdownWorkers: true))
        for worker in workers { #expect(worker.waitForExit(timeout: 10) == 0) }
        try expectEveryJobCompletedOnce(statePath: directory.statePath, sweep: sweep, jobs: jobs)
    }

    // MARK: - Requests without workers

    @Test func clientRequests_answerErrorsAndCancel_withoutWorkers() throws {
        let directory = try TemporaryDirectory()
        let coordinator = try RunningCoordinator(statePath: directory.statePath)
        let client = try CoordinatorClient(endpoint: coordinator.endpoint, timeoutSeconds: 10)

        // An invalid sweep file: the message names the file and the line.
        let invalid = try client.send(.submit(.init(sourceText: "version: 1\nname: x\nseeds: [1, 2\n", sourceName: "bad.yaml")))
        guard case .error(let failure) = invalid else {
            Issue.record("expected invalid_sweep, got \(invalid)")
            return
        }
        #expect(failure.code == .invalidSweep)
        #expect(failure.message.contains("bad.yaml"))
        // Unknown sweeps.
        guard case .error(let unknown) = try client.send(.status(.init(sweep: SweepID(rawValue: "nope")))) else {
            Issue.record("status of an unknown sweep did not fail")
            return
        }
        #expect(unknown.code == .unknownSweep)

        let submitted = try client.submit(sleepSweep(name: "to-cancel", jobs: 12, sleepMs: 10))
        #expect(try client.status(of: submitted.sweep).counts.pending == 12)
        // A unique id prefix resolves.
        let prefix = SweepID(rawValue: String(submitted.sweep.rawValue.prefix(8)))
        guard case .cancelled(let cancelled) = try client.send(.cancel(.init(sweep: prefix))) else {
            Issue.record("cancel by prefix did not answer cancelled")
            return
        }
        #expect(cancelled.sweep == submitted.sweep)
        #expect(cancelled.jobsCancelled == 12)
        let status = try client.status(of: submitted.sweep)
        #expect(status.cancelled)
        #expect(status.counts.cancelled == 12)
        guard case .status(let all) = try client.send(.status(.init(sweep: nil))) else {
            Issue.record("status of all sweeps failed")
            return
        }
        #expect(all.sweeps.map(\.sweep) == [submitted.sweep])
        #expect(all.workersAlive == 0)
        #expect(coordinator.stop())

        let store = try ResultStore(path: directory.statePath, readOnly: true)
        let record = try #require(try store.sweep(id: submitted.sweep))
        #expect(record.cancelled)
        #expect(record.finishedAt != nil)
        #expect(try store.counts(sweep: submitted.sweep)[.cancelled] == 12)

        // Restarted on the file, the coordinator reports the same counts from the store.
        let again = try RunningCoordinator(statePath: directory.statePath)
        let client2 = try CoordinatorClient(endpoint: again.endpoint, timeoutSeconds: 10)
        let restored = try client2.status(of: submitted.sweep)
        #expect(restored.counts.cancelled == 12)
        #expect(restored.cancelled)
        #expect(again.stop())
    }

    // MARK: - Start-up errors

    @Test func badEndpoints_areClearErrors() throws {
        let directory = try TemporaryDirectory()
        for endpoint in ["tcp://127.0.0.1:notaport", "udp://127.0.0.1:5555", "127.0.0.1:5555"] {
            // Refused when the service is made, before the state file is touched.
            do throws(CoordinatorError) {
                _ = try CoordinatorService(
                    configuration: .init(bind: endpoint, statePath: directory.statePath), logger: testLogger())
                Issue.record("binding \(endpoint) did not fail")
            } catch {
                guard case .invalidEndpoint(let named, _) = error else {
                    Issue.record("binding \(endpoint): \(error)")
                    continue
                }
                #expect(named == endpoint)
                #expect(error.description.contains(endpoint))
            }
        }
        #expect(!FileManager.default.fileExists(atPath: directory.statePath))
        // The address of a running coordinator is in use.
        let running = try RunningCoordinator(statePath: directory.statePath)
        let other = try TemporaryDirectory()
        let second = try CoordinatorService(configuration: .init(bind: running.endpoint, statePath: other.statePath), logger: testLogger())
        do throws(CoordinatorError) {
            try second.run()
            Issue.record("a second bind of \(running.endpoint) did not fail")
        } catch {
            #expect(error.description.contains("already in use"), "\(error)")
        }
        #expect(running.stop())

        // A client of a coordinator that is not there gets a clear error after its timeout.
        let client = try CoordinatorClient(endpoint: running.endpoint, timeoutSeconds: 0.3)
        #expect(throws: ClientError.unreachable(running.endpoint, seconds: 0.3)) { try client.send(.workers) }
    }

    @Test func unusableStateFile_isAClearErrorNamingTheFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("notes.txt").path
        try Data("these are not the droids\n".utf8).write(to: URL(fileURLWithPath: path))
        do throws(CoordinatorError) {
            _ = try CoordinatorService(configuration: .init(bind: "tcp://127.0.0.1:0", statePath: path), logger: testLogger())
            Issue.record("a text file was accepted as a state file")
        } catch {
            guard case .storeUnavailable = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(error.description.contains(path))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "these are not the droids\n")
    }
}

// MARK: - Raw socket helpers

private func nextMessage(from dealer: ZMQSocket) throws -> CoordinatorMessage {
    try WireCodec.decodeCoordinatorMessage(dealer.receive(maxFrames: 3))
}

/// The next client reply, skipping coordinator messages (reconnects) on the same socket.
private func nextReply(from dealer: ZMQSocket) throws -> (UInt64, ClientReply) {
    while true {
        let frames = try dealer.receive(maxFrames: 3)
        do throws(WireError) {
            return try WireCodec.decodeClientReply(frames)
        } catch {
            // Coordinator messages (reconnects) share the socket; anything else fails the test.
            guard case .unknownKind = error else { throw error }
            _ = try WireCodec.decodeCoordinatorMessage(frames)
        }
    }
}

/// A `clustersweep coordinator` process; its endpoint is read from its first line of output.
final class CoordinatorProcess {
    let process = Process()
    let endpoint: String

    init(statePath: String, bind: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Package.binary.path), "build the executable first")
        process.executableURL = Package.binary
        process.arguments = ["coordinator", "--bind", bind, "--state", statePath, "--log-level", "warning"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        let handle = output.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("coordinator listening on ") else {
            throw TestFailure("coordinator printed '\(text)' instead of its endpoint")
        }
        endpoint = String(text.dropFirst("coordinator listening on ".count))
    }

    func kill(_ signal: Int32) {
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
    }

    func waitForExit(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
