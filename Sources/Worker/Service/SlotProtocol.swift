import SweepModel
import SweepWire

/// What the worker's socket thread tells a slot thread over their inproc socket.
///
/// One message of one frame per command: a command byte, then the command's body. A `run`
/// carries the job exactly as the coordinator encoded it (`EncodedAssignment.bytes`), so the
/// socket thread never re-encodes a job: the slot thread decodes it once, where it runs. Several
/// `run`s for one slot (tiny jobs) travel as one multipart message, one frame per job, and the
/// slot answers them in one message too (`SlotThread`).
enum SlotCommand: Equatable {
    case run(JobAssignment)
    case abort(JobAttempt)
    case stop

    /// The most jobs one message may hand a slot (and so the most outcomes in its answer).
    static let maxBatch = 64

    private enum Code: UInt8 {
        case run = 0
        case abort = 1
        case stop = 2
    }

    /// The frame of a `run` for a job still in its wire encoding: no decoding, no encoding.
    static func runFrame(_ job: EncodedAssignment) -> [UInt8] {
        var frame: [UInt8] = []
        frame.reserveCapacity(1 + job.bytes.count)
        frame.append(Code.run.rawValue)
        frame.append(contentsOf: job.bytes)
        return frame
    }

    func encode() throws -> [UInt8] {
        switch self {
        case .run(let job): return Self.runFrame(try EncodedAssignment(job))
        case .abort(let attempt): return [Code.abort.rawValue] + (try WireBinaryEncoder().encode(attempt))
        case .stop: return [Code.stop.rawValue]
        }
    }

    /// The job and attempt of a `run` frame, even when the rest of the job does not decode.
    static func runAttempt(_ frame: [UInt8]) -> JobAttempt? {
        guard frame.first == Code.run.rawValue else { return nil }
        return EncodedAssignment.jobAttempt(in: frame, offset: 1)
    }

    static func decode(_ frame: [UInt8]) throws -> SlotCommand {
        guard let first = frame.first, let code = Code(rawValue: first) else {
            throw WireError.malformed(reason: "slot command: unknown command byte")
        }
        switch code {
        case .run: return .run(try EncodedAssignment.decode(frame, offset: 1))
        case .abort: return .abort(try WireBinaryDecoder().decode(JobAttempt.self, from: frame, offset: 1))
        case .stop:
            guard frame.count == 1 else { throw WireError.malformed(reason: "slot command: stop with a body") }
            return .stop
        }
    }
}

/// What a slot thread tells the socket thread: one frame per event, an event byte, then the
/// event's body; the outcomes of jobs handed over together come back as one multipart message.
/// A finished job travels as its `worker.results` element (`EncodedResult`), encoded once here
/// and sent on by the socket thread as it is.
enum SlotEvent: Equatable {
    /// The slot thread is up and waiting for work.
    case started
    case progress(WorkerMessage.Progress)
    case finished(EncodedResult)
    case failed(FailedJob)
    /// The attempt stopped without a result (aborted); the coordinator gets it back as `released`.
    case abandoned(JobAttempt)

    private enum Code: UInt8 {
        case started = 0
        case progress = 1
        case finished = 2
        case failed = 3
        case abandoned = 4
    }

    func encode() throws -> [UInt8] {
        let encoder = WireBinaryEncoder()
        switch self {
        case .started: return [Code.started.rawValue]
        case .progress(let progress): return [Code.progress.rawValue] + (try encoder.encode(progress))
        case .finished(let result): return [Code.finished.rawValue] + result.bytes
        case .failed(let failed): return [Code.failed.rawValue] + (try encoder.encode(failed))
        case .abandoned(let attempt): return [Code.abandoned.rawValue] + (try encoder.encode(attempt))
        }
    }

    static func decode(_ frame: [UInt8]) throws -> SlotEvent {
        guard let first = frame.first, let code = Code(rawValue: first) else {
            throw WireError.malformed(reason: "slot event: unknown event byte")
        }
        let decoder = WireBinaryDecoder()
        switch code {
        case .started:
            guard frame.count == 1 else { throw WireError.malformed(reason: "slot event: started with a body") }
            return .started
        case .progress: return .progress(try decoder.decode(WorkerMessage.Progress.self, from: frame, offset: 1))
        case .finished: return .finished(try EncodedResult(frame: frame, offset: 1))
        case .failed: return .failed(try decoder.decode(FailedJob.self, from: frame, offset: 1))
        case .abandoned: return .abandoned(try decoder.decode(JobAttempt.self, from: frame, offset: 1))
        }
    }
}
