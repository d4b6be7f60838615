import SweepModel

/// A finished job (`CompletedJob`) kept in its wire encoding with its job and attempt read out, so
/// a worker encodes each result once, on the slot thread that produced it, and its socket thread
/// sends those bytes in `worker.results` (`WireCodec.encodeResults`) without decoding them.
public struct EncodedResult: Sendable, Equatable {
    public var jobAttempt: JobAttempt
    /// The `CompletedJob` in the wire's binary encoding.
    public var bytes: [UInt8]

    /// Encodes `completed`.
    public init(_ completed: CompletedJob) throws(WireError) {
        do {
            bytes = try WireBinaryEncoder().encode(completed)
        } catch {
            throw .unencodable(reason: "worker.results: \(error)")
        }
        jobAttempt = completed.jobAttempt
    }

    /// Takes the encoded `CompletedJob` at `offset` of `frame` (to its end), reading only its job
    /// and attempt; the whole value is checked structurally.
    public init(frame: [UInt8], offset: Int = 0) throws(WireError) {
        do {
            let header = try WireBinaryDecoder().decode(Header.self, from: frame, offset: offset)
            jobAttempt = JobAttempt(job: header.job, attempt: header.attempt)
        } catch let error as DecodingError {
            throw .malformed(reason: "worker.results: \(error.wireDescription)")
        } catch {
            throw .malformed(reason: "worker.results: \(error)")
        }
        bytes = offset == 0 ? frame : Array(frame[offset...])
    }

    /// The whole `CompletedJob` (e.g. for a `hello` that lists unacknowledged results).
    public func decoded() throws(WireError) -> CompletedJob {
        do {
            return try WireBinaryDecoder().decode(CompletedJob.self, from: bytes)
        } catch let error as DecodingError {
            throw .malformed(reason: "worker.results: \(error.wireDescription)")
        } catch {
            throw .malformed(reason: "worker.results: \(error)")
        }
    }

    /// The fields of `CompletedJob` read without its result (same coding keys).
    struct Header: Decodable {
        var job: JobID
        var attempt: Int
    }
}
