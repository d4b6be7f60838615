import Foundation
import Testing
import SweepModel
@testable import SweepWire

@Suite struct WireBinaryCodecTests {
    struct Sample: Codable, Equatable {
        var name: String
        var small: Int8
        var big: UInt64
        var negative: Int
        var ratio: Float
        var optional: Double?
        var flags: [Bool]
        var nested: [String: [Int]]
        var date: Date
        var empty: Empty
    }

    struct Empty: Codable, Equatable {}

    let sample = Sample(
        name: "héllo", small: -128, big: .max, negative: .min, ratio: 0.5, optional: nil, flags: [true, false],
        nested: ["a": [1, -2, 300], "": []], date: Date(timeIntervalSinceReferenceDate: 12.5), empty: Empty())

    @Test func value_roundTrips() throws {
        let bytes = try WireBinaryEncoder().encode(sample)
        #expect(try WireBinaryDecoder().decode(Sample.self, from: bytes) == sample)
    }

    @Test func encoding_isSmallerThanJSON() throws {
        let message = WireFixtures.coordinatorMessages[1]
        let binary = try WireCodec.encode(message)[1].count
        let json = try JSONEncoder().encode(message).count
        #expect(binary < json)
    }

    @Test func decode_rejectsIntegersOutOfRange() throws {
        struct Wide: Codable { var small: Int }
        struct Narrow: Codable { var small: Int8 }
        let bytes = try WireBinaryEncoder().encode(Wide(small: 300))
        #expect(throws: DecodingError.self) { try WireBinaryDecoder().decode(Narrow.self, from: bytes) }
    }

    @Test func decode_rejectsTrailingBytesAndMissingKeys() throws {
        let bytes = try WireBinaryEncoder().encode(sample)
        #expect(throws: DecodingError.self) { try WireBinaryDecoder().decode(Sample.self, from: bytes + [0]) }
        struct Other: Codable { var unrelated: Int }
        #expect(throws: DecodingError.self) { try WireBinaryDecoder().decode(Other.self, from: bytes) }
    }

    @Test func decode_rejectsDeepNestingWithoutRecursingForever() {
        // 100,000 nested one-element arrays: [[[[...]]]].
        var bytes: [UInt8] = []
        for _ in 0..<100_000 { bytes += [BinaryTag.array.rawValue, 1, 0, 0, 0] }
        bytes.append(BinaryTag.null.rawValue)
        #expect(throws: DecodingError.self) { try WireBinaryDecoder().decode([[Int]].self, from: bytes) }
    }

    @Test func decode_rejectsCountsLargerThanTheInput() {
        let bytes: [UInt8] = [BinaryTag.array.rawValue, 0xFF, 0xFF, 0xFF, 0x7F, 0]
        #expect(throws: DecodingError.self) { try WireBinaryDecoder().decode([Int].self, from: bytes) }
    }

    @Test func encode_reportsOutOfOrderContainerWrites() {
        struct Interleaved: Encodable {
            enum Keys: String, CodingKey { case a, b }
            func encode(to encoder: any Encoder) throws {
                var outer = encoder.container(keyedBy: Keys.self)
                var inner = outer.nestedUnkeyedContainer(forKey: .a)
                try outer.encode(1, forKey: .b)
                try inner.encode(2)
            }
        }
        #expect(throws: EncodingError.self) { try WireBinaryEncoder().encode(Interleaved()) }
    }

    /// A hello from a worker that predates `kernelFamily` (the struct without the field) decodes,
    /// as nil; a hello without one encodes exactly as such a worker's did.
    @Test func helloWithoutKernelFamily_isTheOldEncoding_andDecodes() throws {
        struct OldHello: Codable {
            var worker: WorkerID, host: String, pid: Int, slots: Int, softwareVersion: String
            var running: [JobAttempt], finished: [CompletedJob], failed: [FailedJob]
        }
        let worker = WorkerID(rawValue: "node-1-1-a")
        let old = OldHello(worker: worker, host: "h", pid: 1, slots: 2, softwareVersion: "v", running: [], finished: [], failed: [])
        let decoded = try WireBinaryDecoder().decode(WorkerMessage.Hello.self, from: try WireBinaryEncoder().encode(old))
        #expect(decoded.kernelFamily == nil && decoded.slots == 2)
        let new = WorkerMessage.Hello(worker: worker, host: "h", pid: 1, slots: 2, softwareVersion: "v")
        #expect(try WireBinaryEncoder().encode(new) == WireBinaryEncoder().encode(old))
    }
}
