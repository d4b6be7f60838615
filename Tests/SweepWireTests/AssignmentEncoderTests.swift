import SweepModel
import Testing
import TrainingCore
@testable import SweepWire

/// `AssignmentEncoder` writes exactly what the generic codec writes, whatever the mix of shapes.
@Suite struct AssignmentEncoderTests {
    /// A job of grid point `point` (its dimension and learning rate) with `seed`.
    private static func job(_ n: Int, point: Int, seed: UInt64, kind: JobKind = .noop) -> JobAssignment {
        var parameters = WireFixtures.parameters(seed, kind: kind)
        parameters.experiment.dimension = 2 + point
        parameters.experiment.learningRate = 1e-4 * Double(1 + point % 3)
        parameters.experiment.hidden = Array(repeating: 8 + point, count: 1 + point % 2)
        return JobAssignment(
            job: WireFixtures.jobID(n), attempt: 1 + n % 5, parameters: parameters,
            timeout: n % 4 == 0 ? nil : .seconds(Double(n) + 0.5))
    }

    /// Each batch encoded by one encoder (as the coordinator keeps it) equals the generic encoding.
    private static func expectIdentical(_ batches: [[JobAssignment]]) throws -> AssignmentEncoder {
        var encoder = AssignmentEncoder()
        for batch in batches {
            let fast = try encoder.frames(.init(batch))
            let generic = try WireCodec.encode(CoordinatorMessage.assign(.init(batch)))
            #expect(fast == generic)
        }
        return encoder
    }

    @Test func frames_whenJobsShareAShape_areTheGenericBytesAndSpliceTheSeeds() throws {
        let seeds: [UInt64] = [0, 1, 127, 128, 300, 1 << 35, .max, 42, 7]
        let batch = seeds.enumerated().map { Self.job($0.offset, point: 0, seed: $0.element) }
        let encoder = try Self.expectIdentical([batch, batch.reversed(), [batch[3]]])
        // The first two jobs are encoded in full (the second teaches the shape), then spliced.
        #expect(encoder.splicedJobs == 2 * seeds.count - 2 + 1)
    }

    @Test func frames_whenShapesInterleaveOrChange_areTheGenericBytes() throws {
        var random = SeededGenerator(seed: 11)
        var batches: [[JobAssignment]] = []
        var n = 0
        for _ in 0..<40 {
            var batch: [JobAssignment] = []
            for _ in 0..<Int(random.next() % 20) {
                let point = Int(random.next() % 12)  // more points than the encoder keeps shapes
                let kind: JobKind = random.next() % 7 == 0 ? .sleep : .noop
                batch.append(Self.job(n, point: point, seed: random.next() % 1000, kind: kind))
                n += 1
            }
            batches.append(batch)
        }
        let encoder = try Self.expectIdentical(batches)
        #expect(encoder.splicedJobs > 0)
    }

    @Test func frames_whenOneSeedPerPoint_encodeEveryJobInFull() throws {
        let batch = (0..<10).map { Self.job($0, point: $0, seed: 5) }
        let encoder = try Self.expectIdentical([batch])
        #expect(encoder.splicedJobs == 0)
    }

    @Test func frames_whenDecodedByAWorker_giveTheJobsBack() throws {
        let batch = (0..<6).map { Self.job($0, point: $0 / 3, seed: UInt64($0) * 1_000_003) }
        var encoder = AssignmentEncoder()
        let frames = try encoder.frames(.init(batch))
        #expect(try WireCodec.decodeCoordinatorMessage(frames) == .assign(.init(batch)))
        let encoded = try #require(try WireCodec.encodedAssignments(frames))
        #expect(try encoded.map { try EncodedAssignment.decode($0.bytes) } == batch)
    }
}
