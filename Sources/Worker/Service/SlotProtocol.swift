import SweepWire

/// What the worker's socket thread tells a slot thread over their inproc socket.
///
/// One frame: a command byte, then the command's body. A `run` carries the job exactly as the
/// coordinator encoded it (`EncodedAssignment.bytes`), so the socket thread never re-encodes a
/// job: the slot thread decodes it once, where it runs.
enum SlotCommand: Equatable {
    case run(JobAssignment)
    case abort(JobAttempt)
    case stop

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

/// What a slot thread tells the socket thread.
enum SlotEvent: Codable, Equatable {
    /// The slot thread is up and waiting for work.
    case started
    case progress(WorkerMessage.Progress)
    case finished(CompletedJob)
    case failed(FailedJob)
    /// The attempt stopped without a result (aborted); the coordinator gets it back as `released`.
    case abandoned(JobAttempt)

    func encode() throws -> [UInt8] { try WireBinaryEncoder().encode(self) }
    static func decode(_ frame: [UInt8]) throws -> SlotEvent { try WireBinaryDecoder().decode(SlotEvent.self, from: frame) }
}
