import Foundation
import Testing
@testable import SweepWire

@Suite struct WireCodecTests {
    @Test(arguments: WireFixtures.workerMessages)
    func workerMessage_roundTripsThroughInbound(_ message: WorkerMessage) throws {
        let frames = try WireCodec.encode(message)
        #expect(frames.count == 2)
        #expect(frames[0] == Array("CLUSTERSWEEP/2".utf8))
        #expect(try WireCodec.decodeInbound(frames) == .worker(message))
    }

    @Test(arguments: WireFixtures.coordinatorMessages)
    func coordinatorMessage_roundTrips(_ message: CoordinatorMessage) throws {
        #expect(try WireCodec.decodeCoordinatorMessage(try WireCodec.encode(message)) == message)
    }

    @Test(arguments: WireFixtures.clientRequests)
    func clientRequest_roundTripsWithItsRequestID(_ request: ClientRequest) throws {
        let frames = try WireCodec.encode(request, requestID: 0xDEAD_BEEF_0000_0042)
        #expect(try WireCodec.decodeInbound(frames) == .client(requestID: 0xDEAD_BEEF_0000_0042, request))
    }

    @Test func clientReply_roundTripsWithItsRequestID() throws {
        for (index, reply) in WireFixtures.clientReplies.enumerated() {
            let decoded = try WireCodec.decodeClientReply(try WireCodec.encode(reply, requestID: UInt64(index)))
            #expect(decoded.requestID == UInt64(index))
            #expect(decoded.reply == reply)
        }
    }

    @Test func payload_startsWithItsKindName() throws {
        let frames = try WireCodec.encode(WorkerMessage.heartbeat)
        #expect(frames[1] == [16] + Array("worker.heartbeat".utf8))
    }

    @Test func decode_rejectsOtherVersionBeforeReadingThePayload() {
        let frames: [[UInt8]] = [Array("CLUSTERSWEEP/1".utf8), [0xFF]]
        #expect(throws: WireError.unsupportedVersion(got: 1, expected: 2)) { try WireCodec.decodeInbound(frames) }
        #expect(WireCodec.headerError(Array("CLUSTERSWEEP/17".utf8)) == .unsupportedVersion(got: 17, expected: 2))
        #expect(WireCodec.headerError(WireProtocol.header) == nil)
    }

    @Test func decode_rejectsForeignHeaderAndWrongFrameCount() throws {
        let valid = try WireCodec.encode(WorkerMessage.heartbeat)
        let cases: [[[UInt8]]] = [
            [], [valid[0]], valid + [[]], [Array("HTTP/1.1".utf8), valid[1]], [Array("CLUSTERSWEEP/x".utf8), valid[1]],
            [Array("CLUSTERSWEEP/".utf8), valid[1]], [Array("CLUSTERSWEEP/99999999999".utf8), valid[1]],
        ]
        for frames in cases {
            #expect {
                try WireCodec.decodeInbound(frames)
            } throws: { error in
                guard case WireError.malformed = error else { return false }
                return true
            }
        }
    }

    @Test func decode_rejectsUnknownKindsAndKindsForTheOtherSide() throws {
        var payload: [UInt8] = [13] + Array("worker.dance!".utf8)
        #expect(throws: WireError.unknownKind("worker.dance!")) { try WireCodec.decodeInbound([WireProtocol.header, payload]) }
        // A worker must not accept a worker message, nor the coordinator a coordinator message.
        let hello = try WireCodec.encode(WireFixtures.workerMessages[0])
        #expect(throws: WireError.unknownKind("worker.hello")) { try WireCodec.decodeCoordinatorMessage(hello) }
        let assign = try WireCodec.encode(WireFixtures.coordinatorMessages[1])
        #expect(throws: WireError.unknownKind("coordinator.assign")) { try WireCodec.decodeInbound(assign) }
        payload = [3, 0x01, 0x02, 0x03]
        #expect(throws: WireError.malformed(reason: "message kind is not printable ASCII")) {
            try WireCodec.decodeInbound([WireProtocol.header, payload])
        }
    }

    @Test func decode_rejectsPayloadAboveTheLimit() throws {
        let frames = try WireCodec.encode(WireFixtures.workerMessages[0])
        #expect(throws: WireError.tooLarge(bytes: frames[1].count, limit: 10)) { try WireCodec.decodeInbound(frames, limit: 10) }
    }

    @Test func decode_namesTheFieldOfABadBody() throws {
        // A `ready` whose `wants` is a string.
        struct WrongReady: Encodable { let wants = "many"; let received = 0 }
        var payload: [UInt8] = [12] + Array("worker.ready".utf8)
        try WireBinaryEncoder().encode(WrongReady(), appendingTo: &payload)
        #expect {
            try WireCodec.decodeInbound([WireProtocol.header, payload])
        } throws: { error in
            guard case WireError.malformed(let reason) = error else { return false }
            return reason.hasPrefix("worker.ready: wants:")
        }
    }

    @Test func decode_rejectsBodiesOnKindsWithoutOne() {
        let payload: [UInt8] = [16] + Array("worker.heartbeat".utf8) + [0]
        #expect(throws: WireError.malformed(reason: "worker.heartbeat: unexpected body")) {
            try WireCodec.decodeInbound([WireProtocol.header, payload])
        }
    }

    @Test func decode_acceptsArraySliceOfRouterFrames() throws {
        let routed = [Array("peer".utf8)] + (try WireCodec.encode(WorkerMessage.heartbeat))
        #expect(try WireCodec.decodeInbound(routed.dropFirst()) == .worker(.heartbeat))
    }
}
