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
