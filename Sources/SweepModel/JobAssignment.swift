/// One job handed to a worker: what to run, which attempt it is (a result must carry it back),
/// and how long it may take. The scheduler makes it, the wire carries it, the worker runs it.
public struct JobAssignment: Codable, Sendable, Equatable {
    public var job: JobID
    /// 1-based attempt number.
    public var attempt: Int
    public var parameters: JobParameters
    /// The job timeout; `nil` means none. Counted from the first progress message of the attempt
    /// (or from the assignment if none comes).
    public var timeout: Duration?

    /// What the wire carries for "no timeout" (it counts seconds as a number).
    public static let noTimeoutSeconds: Double = 1e9

    public init(job: JobID, attempt: Int, parameters: JobParameters, timeout: Duration?) {
        self.job = job
        self.attempt = attempt
        self.parameters = parameters
        self.timeout = timeout
    }

    /// The timeout in seconds as the wire and the worker's clock count it (`noTimeoutSeconds`
    /// when there is none).
    public var timeoutSeconds: Double { timeout?.seconds ?? Self.noTimeoutSeconds }

    private enum CodingKeys: String, CodingKey {
        case job, attempt, parameters, timeoutSeconds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        job = try container.decode(JobID.self, forKey: .job)
        attempt = try container.decode(Int.self, forKey: .attempt)
        parameters = try container.decode(JobParameters.self, forKey: .parameters)
        timeout = Duration.positiveSeconds(try container.decode(Double.self, forKey: .timeoutSeconds))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(job, forKey: .job)
        try container.encode(attempt, forKey: .attempt)
        try container.encode(parameters, forKey: .parameters)
        try container.encode(timeoutSeconds, forKey: .timeoutSeconds)
    }
}
