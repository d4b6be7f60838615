import SweepModel

extension SweepClient {
    /// The jobs of `sweep` that finished after `cursor` (0 at first), at most `limit`, and the
    /// cursor of the next page: a live view's way to follow a sweep without reading every job.
    public func results(_ sweep: SweepID, after cursor: Int64, limit: Int = ClientRequest.Results.maxLimit)
        throws(SweepClientError) -> ClientReply.Results
    {
        let request = ClientRequest.results(.init(sweep: sweep, after: cursor, limit: limit))
        guard case .results(let page) = try send(request) else {
            throw .unexpectedReply(request: request.kind, reply: "an answer of another kind")
        }
        return page
    }
}
