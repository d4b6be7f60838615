import Foundation
import SweepModel

/// The sweep a report describes: what was submitted, when, and how far its jobs have got.
public struct ReportSweep: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    /// The sweep file's `description:` (empty when none).
    public var description: String
    /// The file name the sweep was submitted from.
    public var sourceName: String
    /// The sweep file's text exactly as submitted.
    public var sourceText: String
    public var maxAttempts: Int
    public var jobTimeoutSeconds: Double
    public var createdAt: Date
    /// When every job reached a final status; `nil` while any is pending or running.
    public var finishedAt: Date?
    public var cancelled: Bool
    /// Number of jobs in the report.
    public var jobCount: Int
    /// Jobs per status; every status is present (zero when none).
    public var statusCounts: [String: Int]
    /// The flattened parameters every job shares (`ParameterSplit`); each job lists its own.
    public var parameters: [String: ParameterValue]

    public init(record: SweepRecord, counts: [JobStatus: Int], jobCount: Int, parameters: [String: ParameterValue]) {
        id = record.id.rawValue
        name = record.name
        description = record.descriptionText
        sourceName = record.sourceName
        sourceText = record.sourceText
        maxAttempts = record.maxAttempts
        jobTimeoutSeconds = record.jobTimeoutSeconds
        createdAt = record.createdAt
        finishedAt = record.finishedAt
        cancelled = record.cancelled
        self.jobCount = jobCount
        var all = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0.rawValue, 0) })
        for (status, count) in counts { all[status.rawValue, default: 0] += count }
        statusCounts = all
        self.parameters = parameters
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case sourceName = "source_name"
        case sourceText = "source_text"
        case maxAttempts = "max_attempts"
        case jobTimeoutSeconds = "job_timeout_seconds"
        case createdAt = "created_at"
        case finishedAt = "finished_at"
        case cancelled
        case jobCount = "job_count"
        case statusCounts = "status_counts"
        case parameters
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(description, forKey: .description)
        try c.encode(sourceName, forKey: .sourceName)
        try c.encode(sourceText, forKey: .sourceText)
        try c.encode(maxAttempts, forKey: .maxAttempts)
        try c.encode(jobTimeoutSeconds, forKey: .jobTimeoutSeconds)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(cancelled, forKey: .cancelled)
        try c.encode(jobCount, forKey: .jobCount)
        try c.encode(statusCounts, forKey: .statusCounts)
        try c.encode(parameters, forKey: .parameters)
    }
}
