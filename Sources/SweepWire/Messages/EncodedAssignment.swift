import SweepModel

/// One job of a `coordinator.assign` kept in its wire encoding, with the few fields a worker's
/// socket thread needs read out, so the job reaches the slot thread that runs it without being
/// decoded and encoded again on the way (`WireCodec.encodedAssignments`).
public struct EncodedAssignment: Sendable, Equatable {
    public var job: JobID
    public var attempt: Int
    public var timeoutSeconds: Double
    /// The `JobAssignment` in the wire's binary encoding, exactly as the coordinator sent it.
    public var bytes: [UInt8]

    /// Encodes `assignment` (for tests and for senders that hold the decoded form).
    public init(_ assignment: JobAssignment) throws(WireError) {
        do {
            bytes = try WireBinaryEncoder().encode(assignment)
        } catch {
            throw .unencodable(reason: "coordinator.assign: \(error)")
        }
        job = assignment.job
        attempt = assignment.attempt
        timeoutSeconds = assignment.timeoutSeconds
    }

    init(header: Header, bytes: [UInt8]) {
        job = header.job
        attempt = header.attempt
        timeoutSeconds = header.timeoutSeconds
        self.bytes = bytes
    }

    public var jobAttempt: JobAttempt { JobAttempt(job: job, attempt: attempt) }

    /// The whole assignment, decoded from `bytes` starting at `offset` of `frame` (the bytes may
    /// sit inside a larger frame, e.g. after a command tag).
    public static func decode(_ frame: [UInt8], offset: Int = 0) throws(WireError) -> JobAssignment {
        do {
            return try WireBinaryDecoder().decode(JobAssignment.self, from: frame, offset: offset)
        } catch let error as DecodingError {
            throw .malformed(reason: "coordinator.assign: \(error.wireDescription)")
        } catch {
            throw .malformed(reason: "coordinator.assign: \(error)")
        }
    }

    /// Just the job and attempt of an encoded assignment at `offset` of `frame`, for reporting a
    /// job whose parameters do not decode; `nil` if even those are unreadable.
    public static func jobAttempt(in frame: [UInt8], offset: Int = 0) -> JobAttempt? {
        guard let header = try? WireBinaryDecoder().decode(Header.self, from: frame, offset: offset) else { return nil }
        return JobAttempt(job: header.job, attempt: header.attempt)
    }

    /// The fields of `JobAssignment` read without its parameters (same coding keys).
    struct Header: Decodable {
        var job: JobID
        var attempt: Int
        var timeoutSeconds: Double
    }
}
