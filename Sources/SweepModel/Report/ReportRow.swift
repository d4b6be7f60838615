import Foundation

/// One job of a sweep as a report reads it, in a page of `ReportRowsPage`: what the statistics
/// and the report files need, and no more, so a report of a million jobs streams in bounded
/// pages instead of one array of full `JobRecord`s.
///
/// The parameters are not repeated per job: `shape` points into the page's `shapes`, the
/// parameters as stored without the seed, which `seed` carries (jobs of one grid point share a
/// shape). Results stay the JSON text the store holds, so a coordinator hands a page on without
/// decoding it.
public struct ReportRow: Codable, Sendable, Equatable {
    public var id: JobID
    /// Position in the sweep's plan.
    public var index: Int
    public var status: JobStatus
    /// Index of the job's parameters in the page's `shapes`.
    public var shape: Int
    /// `experiment.seed`, taken out of the shape; `nil` when the shape still holds it (a seed
    /// the store's JSON functions cannot read exactly).
    public var seed: UInt64?
    /// Attempts made so far.
    public var attempts: Int
    /// The error text of the last attempt that reported one.
    public var lastError: String?
    /// `JobResult` as stored (JSON, sorted keys, non-finite numbers as `"nan"`, `"inf"`); `nil`
    /// until the job has a result.
    public var resultJSON: String?
    /// The worker of the last attempt, if any (`clustersweep jobs` shows it).
    public var worker: WorkerID?

    public init(
        id: JobID, index: Int, status: JobStatus, shape: Int, seed: UInt64?, attempts: Int, lastError: String?,
        resultJSON: String?, worker: WorkerID? = nil
    ) {
        self.id = id
        self.index = index
        self.status = status
        self.shape = shape
        self.seed = seed
        self.attempts = attempts
        self.lastError = lastError
        self.resultJSON = resultJSON
        self.worker = worker
    }

    /// The stored result, decoded; throws `DecodingError` for text the store does not write.
    public func result() throws -> JobResult? {
        guard let resultJSON else { return nil }
        if let plain = JobResult.withoutSummary(storedText: resultJSON) { return plain }
        return try FinishedJob.decoder.decode(JobResult.self, from: Data(resultJSON.utf8))
    }
}
