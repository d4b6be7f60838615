import Foundation
import SweepModel
import TrainingCore
import Testing
@testable import SweepWire

/// `client.results` / `reply.results` travel like every other client message.
@Suite struct ResultsMessageTests {
    @Test func resultsRequestAndReply_roundTrip() throws {
        let request = ClientRequest.results(.init(sweep: SweepID(rawValue: "abc"), after: 42, limit: 500))
        let frames = try WireCodec.encode(request, requestID: 7)
        #expect(try WireCodec.decodeInbound(frames) == .client(requestID: 7, request))
        #expect(!request.changesState)

        let job = JobRecord(
            id: JobID(rawValue: String(repeating: "a", count: 64)), index: 3,
            parameters: JobParameters(kind: .noop, experiment: .init()), status: .failed,
            attempts: [AttemptRecord(
                jobID: JobID(rawValue: String(repeating: "a", count: 64)), number: 1, worker: WorkerID(rawValue: "w"),
                startedAt: Date(timeIntervalSince1970: 1), endedAt: Date(timeIntervalSince1970: 2), outcome: .error, error: "boom")])
        let reply = ClientReply.results(.init(sweep: SweepID(rawValue: "abc"), jobs: [job], cursor: 99, more: true))
        let decoded = try WireCodec.decodeClientReply(try WireCodec.encode(reply, requestID: 7))
        #expect(decoded.requestID == 7)
        #expect(decoded.reply == reply)
    }
}
