import Foundation
import SweepModel

/// Reads a report's pages on a thread of its own, one page ahead of the writer, so reading the
/// next page (a store query, or a coordinator's round trip) overlaps with writing this one: on
/// two cores a million-job report from a coordinator takes the longer of the two, not their sum.
///
/// The reader is made on that thread and used only there (a `SweepClient`'s socket belongs to
/// the thread that made it). The owner calls `stop()` when done; the thread ends after its
/// current read.
final class PagePrefetcher: @unchecked Sendable {
    // @unchecked Sendable: every stored property but `condition` is read and written only while
    // holding `condition`'s lock, by the caller's thread and the prefetch thread; the reader
    // itself never leaves the prefetch thread.
    typealias Reply = (sweep: SweepRecord, page: ReportRowsPage)

    private struct Request: Equatable {
        var from: Int
        var limit: Int
    }

    private let condition = NSCondition()
    /// What the caller waits for, then what the thread fetches ahead.
    private var wanted: Request?
    private var ahead: Request?
    private var done: (request: Request, result: Result<Reply, any Error>)?
    private var stopped = false

    /// Starts the thread; `makeReader` runs on it, once.
    init(makeReader: @escaping @Sendable () throws -> ReportStream.PageReader) {
        let thread = Thread { [self] in run(makeReader) }
        thread.name = "report-pages"
        thread.start()
    }

    /// Ends the thread once its current read returns.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// The page from `from`: fetched already if it is the one after the last, else now.
    func page(from: Int, limit: Int) throws -> Reply {
        let request = Request(from: from, limit: limit)
        condition.lock()
        defer { condition.unlock() }
        if done?.request != request {
            wanted = request
            if ahead != request { ahead = nil }
            condition.broadcast()
        }
        while done?.request != request {
            if done != nil {
                // A page fetched ahead that is not the one wanted: drop it, let the thread go on.
                done = nil
                condition.broadcast()
            }
            condition.wait()
        }
        guard let result = done?.result else { preconditionFailure("a finished request has a result") }
        done = nil
        wanted = nil
        if case .success(let reply) = result, reply.page.more, !reply.page.rows.isEmpty {
            ahead = Request(from: reply.page.next, limit: limit)
            condition.broadcast()
        }
        return try result.get()
    }

    private func run(_ makeReader: () throws -> ReportStream.PageReader) {
        let reader: ReportStream.PageReader
        do {
            reader = try makeReader()
        } catch {
            fail(error)
            return
        }
        while true {
            condition.lock()
            while !stopped && (done != nil || (wanted ?? ahead) == nil) {
                condition.wait()
            }
            if stopped {
                condition.unlock()
                return
            }
            guard let request = wanted ?? ahead else { preconditionFailure("woken with a request") }
            ahead = nil
            condition.unlock()
            let result = Result { try reader(request.from, request.limit) }
            condition.lock()
            done = (request, result)
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The reader could not be made: every request fails with `error`.
    private func fail(_ error: any Error) {
        condition.lock()
        defer { condition.unlock() }
        while !stopped {
            if let request = wanted, done?.request != request {
                done = (request, .failure(error))
                condition.broadcast()
            }
            condition.wait()
        }
    }
}
