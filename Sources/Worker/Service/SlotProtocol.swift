import SweepWire

/// What the worker's socket thread tells a slot thread over their inproc socket.
enum SlotCommand: Codable, Equatable {
    case run(JobAssignment)
    case abort(JobAttempt)
    case stop

    func encode() throws -> [UInt8] { try WireBinaryEncoder().encode(self) }
    static func decode(_ frame: [UInt8]) throws -> SlotCommand { try WireBinaryDecoder().decode(SlotCommand.self, from: frame) }
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
