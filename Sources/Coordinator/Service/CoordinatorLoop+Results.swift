import Foundation
import Logging
import SweepModel
import SweepStore
import SweepWire

extension CoordinatorLoop {
    /// A bounded page of the sweep's newly finished jobs, read from the store's finish log: the
    /// cost per request is bounded by `ClientRequest.Results.maxLimit` whatever the sweep's size.
    func results(_ request: ClientRequest.Results) throws(RefusedRequest) -> ClientReply {
        let record = try resolve(request.sweep)
        guard request.after >= 0, request.limit > 0 else {
            throw RefusedRequest(.badRequest, "results: after must be >= 0 and limit > 0")
        }
        do {
            let page = try store.finishedJobs(
                sweep: record.id, after: request.after, limit: min(request.limit, ClientRequest.Results.maxLimit))
            return .results(.init(sweep: record.id, jobs: page.jobs, cursor: page.cursor, more: page.more))
        } catch {
            logger.error("reading finished jobs failed", metadata: ["sweep": "\(record.id)", "error": "\(error)"])
            throw RefusedRequest(.unavailable, error.description)
        }
    }
}

extension CoordinatorLoop {
    /// A bounded page of the sweep's jobs in plan order, for a report: one range read of the
    /// store, at most `ClientRequest.ReportPage.maxLimit` jobs, parameters and results passed on
    /// as stored text, so a report of any size never holds the loop for long.
    func reportPage(_ request: ClientRequest.ReportPage) throws(RefusedRequest) -> ClientReply {
        let record = try resolve(request.sweep)
        guard request.from >= 0, request.limit > 0 else {
            throw RefusedRequest(.badRequest, "report_page: from must be >= 0 and limit > 0")
        }
        do {
            let stored = try store.sweep(id: record.id) ?? record
            let page = try store.reportRows(
                sweep: record.id, from: request.from, limit: min(request.limit, ClientRequest.ReportPage.maxLimit))
            return .reportPage(.init(sweep: stored, page: page))
        } catch {
            logger.error("reading a report page failed", metadata: ["sweep": "\(record.id)", "error": "\(error)"])
            throw RefusedRequest(.unavailable, error.description)
        }
    }
}
