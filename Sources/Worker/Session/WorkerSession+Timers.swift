import SweepWire
import SweepModel

// MARK: Timers, flow control and draining (each `tick`)

extension WorkerSession {
    mutating func timers(into out: inout [WorkerSessionAction]) {
        let deadAfter = heartbeatInterval * liveness
        if let reconnectAt, now >= reconnectAt {
            out.append(.log(.reconnecting(endpoint: configuration.endpoint)))
            connect(into: &out)
        } else if connected, now - lastHeard > deadAfter, now - helloSentAt > deadAfter {
            out.append(.log(.coordinatorSilent(backoff: backoff)))
            out.append(.disconnect)
            connected = false
            welcomed = false
            reconnectAt = now + backoff
            backoff = min(backoff * 2, configuration.reconnectMax)
        }
        if welcomed {
            if now - lastSent >= heartbeatInterval { send(.heartbeat, into: &out) }
            // Results not acknowledged within a few intervals are sent again (the coordinator
            // records each attempt's result once and acknowledges duplicates).
            let limit = heartbeatInterval * 5
            let stale = unacked.keys.filter { now - (lastDelivery[$0] ?? now) > limit }
            for attempt in stale.sorted(by: JobAttempt.ordered) {
                switch unacked[attempt] {
                case .completed(let result): queueResult(result)
                case .failed(let failure): outFailures.append(failure)
                case nil: break
                }
            }
        }
        if drain == nil, let idleExit = configuration.idleExit, running.isEmpty, queue.isEmpty, unacked.isEmpty,
            now - lastBusy >= idleExit
        {
            if everWelcomed {
                out.append(.log(.idle(after: idleExit)))
                beginDrain(exit: .idle, grace: .zero, into: &out)
            } else {
                // Idle from the start because no coordinator ever answered: that is a failure.
                fail(.neverConnected(endpoint: configuration.endpoint, seconds: idleExit.seconds), into: &out)
            }
        }
        if drain == nil, reachedMaxJobs, running.isEmpty, queue.isEmpty, unacked.isEmpty {
            beginDrain(exit: .maxJobs, grace: .zero, into: &out)
        }
        progressDrain(into: &out)
    }

    /// Sends what the iteration gathered, once welcomed: results, failures and hand-backs in
    /// batches of at most `WireProtocol.maxBatch`, then `ready` when it is due or `wants` changed.
    /// While results wait for company (`holdsResults`), everything waits with them, `ready`
    /// included, so that one tick sends the results and the credit they free together.
    mutating func flush(into out: inout [WorkerSessionAction]) {
        guard welcomed, !holdsResults else { return }
        if !outResults.isEmpty {
            for batch in outResults.chunked(WireProtocol.maxBatch) {
                for job in batch { lastDelivery[job.jobAttempt] = now }
                out.append(.sendResults(Array(batch)))
                lastSent = now
            }
            outResults.removeAll(keepingCapacity: true)
            resultsWaitingSince = nil
        }
        if !outFailures.isEmpty {
            for batch in outFailures.chunked(WireProtocol.maxBatch) {
                for job in batch { lastDelivery[job.jobAttempt] = now }
                send(.failures(.init(Array(batch))), into: &out)
            }
            outFailures.removeAll(keepingCapacity: true)
        }
        if !outReleased.isEmpty {
            for batch in outReleased.chunked(WireProtocol.maxBatch) { send(.released(.init(Array(batch))), into: &out) }
            outReleased.removeAll(keepingCapacity: true)
        }
        let wants = self.wants
        if readyDue || wants != lastReadyWants {
            send(.ready(.init(wants: wants, received: receivedInSession)), into: &out)
            lastReadyWants = wants
            readyDue = false
        }
    }

    /// Stops taking jobs: queued ones go back to the coordinator; running ones may finish until
    /// `grace` has passed.
    mutating func beginDrain(exit: WorkerExit, grace: Duration, into out: inout [WorkerSessionAction]) {
        guard drain == nil else { return }
        out.append(.log(.draining(exit: exit, running: running.count, queued: queue.count)))
        drain = Drain(exit: exit, deadline: now + grace)
        outReleased += queue.map(\.jobAttempt)
        queue.removeAll()
        readyDue = true
    }

    /// Past the deadline, aborts what still runs (once); when nothing runs, waits up to 2 s for
    /// the last acknowledgements, then says goodbye, stops the slots and exits.
    mutating func progressDrain(into out: inout [WorkerSessionAction]) {
        guard var drain else { return }
        if !running.isEmpty {
            if now >= drain.deadline, !drain.abortsSent {
                for attempt in running.keys.sorted(by: JobAttempt.ordered) { abortRunning(attempt, into: &out) }
                drain.abortsSent = true
                self.drain = drain
            }
            return
        }
        let ackWait = drain.deadline + .seconds(2)
        guard unacked.isEmpty || now >= ackWait || !welcomed else { return }
        flush(into: &out)
        send(.goodbye(.init(reason: "\(drain.exit)")), into: &out)
        for slot in idleSlots { out.append(.stop(slot: slot)) }
        out.append(.log(.exiting(exit: drain.exit, unacknowledged: unacked.count)))
        exit = drain.exit
        out.append(.exit(drain.exit))
    }
}

extension WorkerSession {
    /// How many refused handshakes in a row end a worker that should not wait forever.
    static let refusalsBeforeGivingUp = 3

    /// The coordinator refused our handshake: say so (the first time, then at each 10th), and
    /// give up after a few when `--idle-exit` or `--max-jobs` says the worker must not wait forever.
    mutating func refused(_ reason: String, into out: inout [WorkerSessionAction]) {
        refusals += 1
        if refusals == 1 || refusals % 10 == 0 {
            out.append(.log(.handshakeRefused(endpoint: configuration.endpoint, reason: reason, refusals: refusals)))
        }
        guard configuration.idleExit != nil || configuration.maxJobs != nil,
              refusals >= Self.refusalsBeforeGivingUp, !everWelcomed || !welcomed
        else { return }
        fail(.refused(endpoint: configuration.endpoint, refusals: refusals, reason: reason), into: &out)
    }

    /// Ends the worker at once with a failure: nothing runs (it never got jobs), nothing to hand back.
    mutating func fail(_ failure: WorkerExit, into out: inout [WorkerSessionAction]) {
        out.append(.log(.failing(failure)))
        for slot in idleSlots { out.append(.stop(slot: slot)) }
        if !running.isEmpty || !queue.isEmpty {
            beginDrain(exit: failure, grace: .zero, into: &out)
            return
        }
        exit = failure
        out.append(.exit(failure))
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
