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
    /// Runs every decoder on `frames`; returns whether any of them accepted the input. Each
    /// decoder throws `WireError` by its signature (`throws(WireError)`), so a refusal is always
    /// one of the protocol's own errors; the test also checks that the error says why
    /// (`unencodable` is the sender's bug and must never come out of a decoder).
    @discardableResult
    private func decodeEverywhere(_ frames: [[UInt8]], sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        var accepted = false
        func refused(_ error: WireError, by decoder: String) {
            #expect(Self.isDecodingRefusal(error), "\(decoder) refused with \(error)", sourceLocation: sourceLocation)
            #expect(!error.description.isEmpty, sourceLocation: sourceLocation)
        }
        do throws(WireError) { _ = try WireCodec.decodeInbound(frames); accepted = true } catch { refused(error, by: "decodeInbound") }
        do throws(WireError) { _ = try WireCodec.decodeCoordinatorMessage(frames); accepted = true } catch {
            refused(error, by: "decodeCoordinatorMessage")
        }
        do throws(WireError) { _ = try WireCodec.decodeClientReply(frames); accepted = true } catch { refused(error, by: "decodeClientReply") }
        do throws(WireError) { if try WireCodec.encodedAssignments(frames) != nil { accepted = true } } catch {
            refused(error, by: "encodedAssignments")
        }
        return accepted
    }

    /// The errors a decoder may throw for input it refuses.
    private static func isDecodingRefusal(_ error: WireError) -> Bool {
        switch error {
        case .unsupportedVersion, .malformed, .unknownKind, .tooLarge: true
        case .unencodable: false
        }
    }

    @Test func corpus_holdsEveryFixture_andEachDecodes() throws {
        let corpus = try WireFixtures.allFrames()
        let fixtures = WireFixtures.workerMessages.count + WireFixtures.coordinatorMessages.count
            + WireFixtures.clientRequests.count + WireFixtures.clientReplies.count
        #expect(corpus.count == fixtures)
        for frames in corpus { #expect(decodeEverywhere(frames), "a fixture's encoding decodes nowhere: \(frames)") }
    }

    @Test func truncatedMessages_areAlwaysRejected() throws {
        for frames in try WireFixtures.allFrames() {
            let payload = frames[1]
            for length in 0..<payload.count {
                #expect(!decodeEverywhere([frames[0], Array(payload.prefix(length))]), "length \(length)")
            }
        }
    }

    @Test func mutatedMessages_neverCrash() throws {
        let seed: UInt64 = 20_250_601
        var random = SplitMix64(state: seed)
        let corpus = try WireFixtures.allFrames()
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
