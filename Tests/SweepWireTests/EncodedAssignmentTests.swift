import SweepModel
import Testing
@testable import SweepWire

/// `coordinator.assign` read without decoding each job's parameters, for a worker's socket thread.
@Suite struct EncodedAssignmentTests {
    private let jobs = (0..<4).map(WireFixtures.assignment)

    @Test func encodedAssignments_whenAssign_keepEachJobsBytesAndReadItsHeader() throws {
        let frames = try WireCodec.encode(CoordinatorMessage.assign(.init(jobs)))
        let encoded = try #require(try WireCodec.encodedAssignments(frames))
        #expect(encoded.map(\.jobAttempt) == jobs.map(\.jobAttempt))
        #expect(encoded.map(\.timeoutSeconds) == jobs.map(\.timeoutSeconds))
        #expect(try encoded.map { try EncodedAssignment.decode($0.bytes) } == jobs)
        // The same bytes an encoder of the single job writes, so they can be forwarded as they are.
        #expect(try encoded.map(\.bytes) == jobs.map { try EncodedAssignment($0).bytes })
    }

    @Test func encodedAssignments_whenOtherKind_isNil() throws {
        for message in WireFixtures.coordinatorMessages {
            let frames = try WireCodec.encode(message)
            if case .assign = message { continue }
            #expect(try WireCodec.encodedAssignments(frames) == nil)
        }
    }

    @Test func encodedAssignments_whenBodyIsWrong_throwsMalformedNamingTheKind() throws {
        var frames = try WireCodec.encode(CoordinatorMessage.assign(.init(jobs)))
        frames[1].removeLast()
        let truncated = #expect(throws: WireError.self) { try WireCodec.encodedAssignments(frames) }
        #expect(truncated.map { "\($0)" }?.contains("coordinator.assign") == true)
        let wrongShape = try WireCodec.encode(CoordinatorMessage.ack(.init(jobs.map(\.jobAttempt))))
        var renamed = wrongShape
        let kind = Array("coordinator.ack".utf8)
        let assignKind = Array("coordinator.assign".utf8)
        renamed[1] = [UInt8(assignKind.count)] + assignKind + Array(wrongShape[1].dropFirst(1 + kind.count))
        // An ack's body under the assign kind: jobs without parameters or timeouts.
        #expect(throws: WireError.self) { try WireCodec.encodedAssignments(renamed) }
    }

    /// A job with the assignment's keys whose parameters are of the wrong type.
    private struct WrongParameters: Encodable {
        var job = WireFixtures.jobID(8)
        var attempt = 2
        var parameters = "not parameters"
        var timeoutSeconds = 60.0
    }

    @Test func decode_whenParametersAreWrong_throwsButJobAndAttemptStayReadable() throws {
        let bytes = try WireBinaryEncoder().encode(WrongParameters())
        let error = #expect(throws: WireError.self) { try EncodedAssignment.decode(bytes) }
        #expect(error.map { "\($0)" }?.contains("parameters") == true)
        #expect(EncodedAssignment.jobAttempt(in: [0] + bytes, offset: 1) == JobAttempt(job: WireFixtures.jobID(8), attempt: 2))
        #expect(EncodedAssignment.jobAttempt(in: [1, 2, 3]) == nil)
    }
}
