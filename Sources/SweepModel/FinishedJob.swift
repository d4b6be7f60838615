import Foundation

/// A job that reached a final status, as the store keeps it: parameters and result stay the JSON
/// text they are stored as, so the coordinator hands them on (`client.results`) without decoding
/// and re-encoding them; the client decodes (`record()`).
public struct FinishedJob: Codable, Sendable, Equatable {
    public var id: JobID
    /// Position in the sweep's plan.
    public var index: Int
    public var status: JobStatus
    /// `JobParameters` as stored: JSON with sorted keys.
    public var parametersJSON: String
    /// `JobResult` as stored; `nil` for a failed job.
    public var resultJSON: String?
    /// Why the job failed, for a failed job.
    public var error: String?
    /// When its result or failure was recorded.
    public var completedAt: Date?

    public init(
        id: JobID, index: Int, status: JobStatus, parametersJSON: String, resultJSON: String?, error: String?,
        completedAt: Date? = nil
    ) {
        self.id = id
        self.index = index
        self.status = status
        self.parametersJSON = parametersJSON
        self.resultJSON = resultJSON
        self.error = error
        self.completedAt = completedAt
    }

    /// The job record (without attempts), decoding parameters and result; throws
    /// `DecodingError` for text that is not what the store writes.
    public func record() throws -> JobRecord {
        JobRecord(
            id: id, index: index,
            parameters: try NonFiniteNumbers.decode(JobParameters.self, from: Data(parametersJSON.utf8), using: Self.decoder),
            status: status, result: try result())
    }

    /// The result alone (cheaper than `record()` when the parameters are not needed).
    public func result() throws -> JobResult? {
        try resultJSON.map { try NonFiniteNumbers.decode(JobResult.self, from: Data($0.utf8), using: Self.decoder) }
    }

    /// As the store writes them (`NonFiniteNumbers`).
    static var decoder: JSONDecoder { NonFiniteNumbers.decoder() }
}
