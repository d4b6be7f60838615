import Testing
@testable import SweepWire

/// A seeded SplitMix64, so a failing fuzz case can be reproduced from the printed seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Hostile frames never crash a decoder: each decode returns a message or throws a `WireError`.
@Suite struct WireFuzzTests {
    /// Runs every decoder on `frames`; returns whether any of them accepted the input.
    @discardableResult
    private func decodeEverywhere(_ frames: [[UInt8]]) -> Bool {
        var accepted = false
        do { _ = try WireCodec.decodeInbound(frames); accepted = true } catch {}
        do { _ = try WireCodec.decodeCoordinatorMessage(frames); accepted = true } catch {}
        do { _ = try WireCodec.decodeClientReply(frames); accepted = true } catch {}
        do { if try WireCodec.encodedAssignments(frames) != nil { accepted = true } } catch {}
        return accepted
    }

    @Test func truncatedMessages_areAlwaysRejected() {
        for frames in WireFixtures.allFrames {
            let payload = frames[1]
            for length in 0..<payload.count {
                #expect(!decodeEverywhere([frames[0], Array(payload.prefix(length))]), "length \(length)")
            }
        }
    }

    @Test func mutatedMessages_neverCrash() {
        let seed: UInt64 = 20_250_601
        var random = SplitMix64(state: seed)
        let corpus = WireFixtures.allFrames
        var rejected = 0
        for _ in 0..<20_000 {
            var frames = corpus[Int.random(in: 0..<corpus.count, using: &random)]
            var payload = frames[1]
            for _ in 0...Int.random(in: 0..<4, using: &random) {
                guard !payload.isEmpty else { break }
                let index = Int.random(in: 0..<payload.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: payload[index] = UInt8.random(in: 0...255, using: &random)
                case 1: payload[index] ^= 1 << UInt8.random(in: 0..<8, using: &random)
                case 2: payload.remove(at: index)
                default: payload.insert(UInt8.random(in: 0...255, using: &random), at: index)
                }
            }
            frames[1] = payload
            if !decodeEverywhere(frames) { rejected += 1 }
        }
        #expect(rejected > 10_000, "seed \(seed): most mutations must be caught")
    }

    @Test func randomFrames_areRejected() {
        var random = SplitMix64(state: 7)
        for _ in 0..<5_000 {
            let frameCount = Int.random(in: 0..<5, using: &random)
            let frames = (0..<frameCount).map { _ in
                (0..<Int.random(in: 0..<64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            }
            #expect(!decodeEverywhere(frames))
            // The same bytes behind a valid header and a valid kind still never crash.
            let body = frames.first ?? []
            _ = decodeEverywhere([WireProtocol.header, [13] + Array("worker.hello".utf8) + [0] + body])
            _ = decodeEverywhere([WireProtocol.header, [17] + Array("coordinator.assign".utf8) + body])
        }
    }

    @Test func oversizedPayload_isRejectedBeforeDecoding() {
        let payload = [UInt8](repeating: 0x41, count: WireProtocol.maxInboundPayloadBytes + 1)
        #expect(throws: WireError.tooLarge(bytes: payload.count, limit: WireProtocol.maxInboundPayloadBytes)) {
            try WireCodec.decodeInbound([WireProtocol.header, payload])
        }
    }
}
