import SweepModel
import SweepWire

// MARK: Connection, hello and coordinator messages

extension WorkerSession {
    /// Opens a new connection and says hello on it.
    mutating func connect(into out: inout [WorkerSessionAction]) {
        out.append(.connect)
        connected = true
        welcomed = false
        lastHeard = now
        reconnectAt = nil
        sendHello(into: &out)
    }

    /// Says hello with everything the worker holds: running and queued attempts, and every
    /// unacknowledged result and failure, so nothing needs sending again after the welcome.
    mutating func sendHello(into out: inout [WorkerSessionAction]) {
        let held = running.keys.sorted(by: JobAttempt.ordered) + queue.map(\.jobAttempt)
        var finished: [CompletedJob] = []
        var failed: [FailedJob] = []
        for attempt in unacked.keys.sorted(by: JobAttempt.ordered) {
            switch unacked[attempt] {
            case .completed(let result):
                do throws(WireError) {
                    finished.append(try result.decoded())
                } catch {
                    out.append(.log(.heldResultUndecodable(job: attempt.job, error: error)))
                }
            case .failed(let failure): failed.append(failure)
            case nil: break
            }
        }
        let hello = WorkerMessage.Hello(
            worker: configuration.workerID, host: configuration.host, pid: configuration.pid, slots: slotCount,
            softwareVersion: configuration.softwareVersion, kernelFamily: configuration.kernelFamily,
            running: held, finished: finished, failed: failed)
        welcomed = false
        outResults.removeAll()
        resultsWaitingSince = nil
        outFailures.removeAll()
        helloSentAt = now
        for attempt in unacked.keys { lastDelivery[attempt] = now }
        send(.hello(hello), into: &out)
    }

    mutating func receive(_ message: CoordinatorMessage, into out: inout [WorkerSessionAction]) {
        switch message {
        case .welcome(let welcome):
            welcomed = true
            if !everWelcomed { lastBusy = now }
            everWelcomed = true
            refusals = 0
            receivedInSession = 0
            lastReadyWants = -1
            readyDue = true
            backoff = configuration.reconnectInitial
            heartbeatInterval = .milliseconds(max(50, welcome.heartbeatIntervalMs))
            liveness = max(1, welcome.heartbeatLiveness)
            let keep = Set(welcome.keep)
            for attempt in running.keys.sorted(by: JobAttempt.ordered) where !keep.contains(attempt) {
                abortRunning(attempt, into: &out)
            }
            queue.removeAll { !keep.contains($0.jobAttempt) }
            out.append(.log(.welcomed(worker: configuration.workerID, kept: keep.count)))
        case .assign(let assign):
            do throws(WireError) {
                take(try assign.jobs.map(EncodedAssignment.init))
            } catch {
                out.append(.log(.assignmentNotReencodable(error)))
            }
        case .ack(let ack):
            for attempt in ack.jobs {
                unacked[attempt] = nil
                lastDelivery[attempt] = nil
            }
        case .abort(let abort):
            for attempt in abort.jobs {
                if let index = queue.firstIndex(where: { $0.jobAttempt == attempt }) {
                    queue.remove(at: index)
                    outReleased.append(attempt)
                } else {
                    abortRunning(attempt, into: &out)
                }
            }
        case .heartbeat:
            break
        case .reconnect:
            out.append(.log(.reconnectRequested))
            sendHello(into: &out)
        case .shutdown(let shutdown):
            beginDrain(exit: .coordinatorShutdown, grace: Self.grace(seconds: shutdown.graceSeconds), into: &out)
        }
    }

    /// Queues assigned jobs (ignoring ones already held); while draining or past `--max-jobs`,
    /// hands them straight back.
    mutating func take(_ jobs: [EncodedAssignment]) {
        receivedInSession += jobs.count
        readyDue = true
        for job in jobs {
            let attempt = job.jobAttempt
            if holds(attempt) { continue }
            if drain != nil || reachedMaxJobs {
                outReleased.append(attempt)
            } else {
                queue.append(job)
                jobsTaken += 1
            }
        }
    }

    /// A `shutdown`'s grace period from the wire: clamped to 0 s – 1 day; not a number counts as 0.
    static func grace(seconds: Double) -> Duration {
        guard seconds.isFinite else { return seconds > 0 ? .seconds(86_400) : .zero }
        return .milliseconds(Int64(min(max(seconds, 0), 86_400) * 1000))
    }
}
