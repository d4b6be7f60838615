import SweepModel
import Testing
@testable import SweepWire

/// The hot path's messages at full batch size: a 64-job `assign` and a 64-job `results` survive
/// encoding and decoding unchanged, many times over. Their speed is measured by `make bench`
/// (`clustersweep bench dispatch`), not here: a unit test on a shared machine asserts no time.
@Suite struct WireBatchRoundTripTests {
    @Test func assignAndResultBatches_roundTripUnchanged() throws {
        let assign = CoordinatorMessage.assign(.init((0..<64).map(WireFixtures.assignment)))
        let results = WorkerMessage.results(.init((0..<64).map { WireFixtures.completed($0) }))
        for _ in 0..<20 {
            #expect(try WireCodec.decodeCoordinatorMessage(try WireCodec.encode(assign)) == assign)
            #expect(try WireCodec.decodeInbound(try WireCodec.encode(results)) == .worker(results))
        }
        // The assignments also come back job by job, as a worker reads them, in order.
        let encoded = try #require(try WireCodec.encodedAssignments(try WireCodec.encode(assign)))
        #expect(encoded.map(\.job) == (0..<64).map { WireFixtures.assignment($0).job })
    }
}
