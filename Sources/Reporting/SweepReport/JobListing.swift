import Foundation
import SweepModel

/// One line of `clustersweep jobs`: a job's parameters, where it stands, how often and where it
/// ran, how long, and its last error, so failures can be read without building a report.
public struct JobListing: Codable, Sendable, Equatable {
    public var jobID: String
    public var index: Int
    /// Flattened resolved parameters (as in report.json).
    public var parameters: [String: ParameterValue]
    public var status: JobStatus
    public var attempts: Int
    /// The worker of the last attempt, if any.
    public var worker: String?
    /// Seconds the worker spent on the completed job.
    public var seconds: Double?
    public var lastError: String?

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id"
        case index, parameters, status, attempts, worker, seconds
        case lastError = "last_error"
    }

    public init(record: JobRecord) {
        jobID = record.id.rawValue
        index = record.index
        parameters = ReportParameters.flatten(record.parameters)
        status = record.status
        attempts = record.attempts.count
        worker = record.attempts.max { $0.number < $1.number }?.worker.rawValue
        seconds = record.result?.seconds
        lastError = record.lastError
    }

    /// The listing of a report row (`ReportRowsPage`) whose flattened parameters are `parameters`.
    public init(row: ReportRow, parameters: [String: ParameterValue]) throws(ReportError) {
        jobID = row.id.rawValue
        index = row.index
        self.parameters = parameters
        status = row.status
        attempts = row.attempts
        worker = row.worker?.rawValue
        do {
            seconds = try row.result()?.seconds
        } catch {
            throw .malformedPage("job \(row.id.short): a result that does not decode: \(error)")
        }
        lastError = row.lastError
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(jobID, forKey: .jobID)
        try c.encode(index, forKey: .index)
        try c.encode(parameters, forKey: .parameters)
        try c.encode(status, forKey: .status)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(worker, forKey: .worker)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(lastError, forKey: .lastError)
    }

    /// The parameter keys that differ between `listings` (the columns worth showing), sorted.
    public static func varyingKeys(_ listings: [JobListing]) -> [String] {
        ReportFigures.varyingKeys(listings.map(\.parameters))
    }
}
