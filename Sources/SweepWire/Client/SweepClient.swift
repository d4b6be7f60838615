import Foundation
import SweepModel

/// The typed client of a coordinator: one method per request, each returning its own reply type
/// and throwing `SweepClientError`, which keeps the cause (transport, refusal with its code, or an
/// unexpected reply). Every client command, `LocalCluster` and the benchmarks use it.
///
/// It owns one `CoordinatorClient` (a DEALER socket); like it, it is not `Sendable`: use it from
/// the thread that created it.
public final class SweepClient {
    private let connection: CoordinatorClient

    /// The endpoint the client talks to.
    public var endpoint: String { connection.endpoint }

    /// Connects (lazily, as ZeroMQ does) to `endpoint`; `timeoutSeconds` bounds every request.
    public init(endpoint: String, timeoutSeconds: Double = 10, curve: CurveClientKeys? = nil) throws(SweepClientError) {
        do {
            connection = try CoordinatorClient(endpoint: endpoint, timeoutSeconds: timeoutSeconds, curve: curve)
        } catch {
            throw .transport(error)
        }
    }

    /// Submits a sweep file's text; resubmitting the same text is idempotent.
    public func submit(sourceText: String, sourceName: String) throws(SweepClientError) -> ClientReply.Submitted {
        let request = ClientRequest.submit(.init(sourceText: sourceText, sourceName: sourceName))
        guard case .submitted(let submitted) = try call(request) else { throw unexpected(request) }
        return submitted
    }

    /// What submitting a sweep file's text would do, without submitting it (a dry run).
    public func plan(sourceText: String, sourceName: String) throws(SweepClientError) -> ClientReply.Planned {
        let request = ClientRequest.plan(.init(sourceText: sourceText, sourceName: sourceName))
        guard case .planned(let planned) = try call(request) else { throw unexpected(request) }
        return planned
    }

    /// Progress of `sweep` (an id, unique id prefix or name), or of every sweep when `nil`.
    public func status(_ sweep: SweepID? = nil) throws(SweepClientError) -> ClientReply.Status {
        let request = ClientRequest.status(.init(sweep: sweep))
        guard case .status(let status) = try call(request) else { throw unexpected(request) }
        return status
    }

    /// Progress of one sweep; a reply that names no sweep is an unexpected reply.
    public func sweepStatus(_ sweep: SweepID) throws(SweepClientError) -> (sweep: ClientReply.SweepStatus, overall: ClientReply.Status) {
        let status = try status(sweep)
        guard let current = status.sweeps.first else {
            throw .unexpectedReply(request: "client.status", reply: "reply.status without sweep \(sweep)")
        }
        return (current, status)
    }

    /// Cancels `sweep`: no new jobs start, running ones are aborted.
    public func cancel(_ sweep: SweepID) throws(SweepClientError) -> ClientReply.Cancelled {
        let request = ClientRequest.cancel(.init(sweep: sweep))
        guard case .cancelled(let cancelled) = try call(request) else { throw unexpected(request) }
        return cancelled
    }

    /// Puts `sweep`'s failed and/or cancelled jobs back in the queue (a cancelled sweep resumes);
    /// `maxAttempts`, when given, becomes the sweep's cap for them.
    public func retry(_ sweep: SweepID, failed: Bool, cancelled: Bool, maxAttempts: Int? = nil) throws(SweepClientError) -> ClientReply.Retried {
        let request = ClientRequest.retry(.init(sweep: sweep, failed: failed, cancelled: cancelled, maxAttempts: maxAttempts))
        guard case .retried(let retried) = try call(request) else { throw unexpected(request) }
        return retried
    }

    /// Removes an ended sweep and the results only it holds.
    public func delete(_ sweep: SweepID) throws(SweepClientError) -> ClientReply.Deleted {
        let request = ClientRequest.delete(.init(sweep: sweep))
        guard case .deleted(let deleted) = try call(request) else { throw unexpected(request) }
        return deleted
    }

    /// The workers the coordinator considers alive.
    public func workers() throws(SweepClientError) -> [ClientReply.WorkerInfo] {
        let request = ClientRequest.workers
        guard case .workers(let list) = try call(request) else { throw unexpected(request) }
        return list.workers
    }

    /// One page of `sweep`'s jobs in plan order from index `from`, with the sweep's record: how a
    /// report of any size is read (`ReportStream`), one bounded request at a time.
    public func reportPage(_ sweep: SweepID, from: Int, limit: Int = ClientRequest.ReportPage.maxLimit)
        throws(SweepClientError) -> ClientReply.ReportPage
    {
        let request = ClientRequest.reportPage(.init(sweep: sweep, from: from, limit: limit))
        guard case .reportPage(let page) = try call(request) else { throw unexpected(request) }
        return page
    }

    /// The sweep record and every job record of `sweep` in one reply; a coordinator answers it
    /// for small sweeps only (`ClientRequest.Report.maxJobs`): reports read `reportPage`.
    public func report(_ sweep: SweepID) throws(SweepClientError) -> ClientReply.Report {
        let request = ClientRequest.report(.init(sweep: sweep))
        guard case .report(let report) = try call(request) else { throw unexpected(request) }
        return report
    }

    /// Polls `sweep` every `interval` until it has ended (`hasEnded`) and returns its last status.
    /// `progress` sees every status; `shouldStop` returning true ends the wait with
    /// `SweepClientError.stopped`. A failed request ends it with that request's error.
    public func waitUntilEnded(
        _ sweep: SweepID, interval: Duration = .milliseconds(500),
        progress: (ClientReply.SweepStatus, ClientReply.Status) -> Void = { _, _ in },
        shouldStop: () -> Bool = { false }
    ) throws(SweepClientError) -> ClientReply.SweepStatus {
        while true {
            let (current, overall) = try sweepStatus(sweep)
            progress(current, overall)
            if current.hasEnded { return current }
            if shouldStop() { throw .stopped }
            Thread.sleep(forTimeInterval: interval.seconds)
        }
    }

    /// Waits until at least `count` workers are connected, polling every 20 ms for `timeout`.
    public func waitForWorkers(_ count: Int, timeout: Duration) throws(SweepClientError) {
        let deadline = ContinuousClock.now + timeout
        while try workers().count < count {
            guard ContinuousClock.now < deadline else {
                throw .timedOut("waiting for \(count) workers to connect", seconds: timeout.seconds)
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    // MARK: - Requests

    /// Sends `request`; an `error` reply becomes `SweepClientError.refused`. For extensions that
    /// add a request in their own file.
    func send(_ request: ClientRequest) throws(SweepClientError) -> ClientReply {
        try call(request)
    }

    /// Sends `request`; an `error` reply becomes `SweepClientError.refused`.
    private func call(_ request: ClientRequest) throws(SweepClientError) -> ClientReply {
        let reply: ClientReply
        do {
            reply = try connection.send(request)
        } catch {
            throw .transport(error)
        }
        if case .error(let failure) = reply { throw .refused(failure) }
        return reply
    }

    private func unexpected(_ request: ClientRequest) -> SweepClientError {
        .unexpectedReply(request: request.kind, reply: "an answer of another kind")
    }
}

/// Why a `SweepClient` request did not give its answer; each case keeps its cause.
public enum SweepClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No usable reply: bad endpoint, no answer within the timeout, undecodable reply, socket error.
    case transport(ClientError)
    /// The coordinator answered with a refusal (an unknown sweep, an invalid file, a forbidden key...).
    case refused(ClientReply.Failure)
    /// The coordinator answered with a reply of the wrong kind.
    case unexpectedReply(request: String, reply: String)
    /// A wait gave up after `seconds`.
    case timedOut(String, seconds: Double)
    /// `waitUntilEnded`'s `shouldStop` asked to stop.
    case stopped

    public var description: String {
        switch self {
        case .transport(let error): error.description
        case .refused(let failure): failure.message
        case .unexpectedReply(let request, let reply): "unexpected reply to \(request): \(reply)"
        case .timedOut(let what, let seconds): "timed out after \(seconds) s \(what)"
        case .stopped: "stopped before the sweep ended"
        }
    }

    /// The refusal's code, when the coordinator refused the request.
    public var refusal: ClientReply.Failure.Code? {
        if case .refused(let failure) = self { return failure.code }
        return nil
    }
}
