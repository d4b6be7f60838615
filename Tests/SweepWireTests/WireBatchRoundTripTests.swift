import Foundation
import Testing
@testable import SweepWire

/// Guards the hot path: encoding plus decoding a batched per-job message must stay cheap.
/// (Debug builds are several times slower than release; docs/PROTOCOL.md has release figures.)
@Suite struct WireCodecSpeedTests {
    @Test func assignAndResultBatches_encodeAndDecodeQuickly() throws {
        let assign = CoordinatorMessage.assign(.init((0..<64).map(WireFixtures.assignment)))
        let results = WorkerMessage.results(.init((0..<64).map { WireFixtures.completed($0) }))
        let rounds = 20
        let start = ContinuousClock.now
        for _ in 0..<rounds {
            _ = try WireCodec.decodeCoordinatorMessage(try WireCodec.encode(assign))
            _ = try WireCodec.decodeInbound(try WireCodec.encode(results))
        }
        let perJob = (ContinuousClock.now - start) / (rounds * 64)
        // Generous bound for an unoptimised build on a busy 2-core machine.
        #expect(perJob < .milliseconds(3), "per job (assign + result, encode + decode): \(perJob)")
    }
}
