import SweepModel
import TrainingCore

/// Writes `coordinator.assign` messages byte for byte as `WireCodec.encode` does, without running
/// the generic coder over each job's parameters: the coordinator's hot path (docs/COORDINATOR.md,
/// "Where the time goes").
///
/// The jobs of a sweep's grid point differ only in their seed, and they leave in plan order, so
/// consecutive jobs of an `assign` share their parameters but the seed. The encoder keeps the
/// encoding of one such *shape*: the bytes before and after the seed's value, proven
/// seed-independent by encoding the shape with two sentinel seeds. A job equal to the shape but
/// its seed is written as those bytes around its own seed (a few copies instead of ~35 options
/// through key paths and generic containers). Any other job is encoded in full, and becomes the
/// next shape once a second job shares it, so a sweep of one seed per grid point costs only an
/// equality check per job more.
///
/// Why equality is enough: `JobParameters` holds integers, enums, booleans, arrays of integers
/// and finite doubles, whose encodings are functions of their values, except that `0.0 == -0.0`.
/// A job that differs from the shape only in the sign of a zero would be sent with the shape's
/// zero: the same number for every option that accepts zero (`input_lr`, `threshold`), which
/// compute and compare alike. Its id, stored parameters and result are the coordinator's own and
/// unaffected.
public struct AssignmentEncoder {
    /// A job's parameters with `seed` set to 0, and their encoding around the seed.
    private struct Shape {
        var parameters: JobParameters
        var prefix: [UInt8]
        var suffix: [UInt8]
    }

    /// The shapes learned, at most `maxShapes` (sweeps dispatched side by side each have theirs),
    /// replaced oldest first; `lastHit` is tried first.
    private var shapes: [Shape] = []
    private var lastHit = 0
    private var nextReplaced = 0
    static let maxShapes = 8
    /// The parameters (seed 0) of the last job encoded in full: the next shape if another
    /// job shares them.
    private var candidate: JobParameters?
    private let encoder = WireBinaryEncoder()

    /// How many jobs were written through the shape (for tests).
    public private(set) var splicedJobs = 0

    public init() {}

    /// The frames of `coordinator.assign` holding `assign`'s jobs, identical to
    /// `WireCodec.encode(CoordinatorMessage.assign(assign))`.
    public mutating func frames(_ assign: CoordinatorMessage.Assign) throws(WireError) -> [[UInt8]] {
        let kind = CoordinatorMessage.assign(.init([])).kind
        var payload: [UInt8] = []
        payload.reserveCapacity(32 + assign.jobs.count * 480)
        payload.append(UInt8(kind.utf8.count))
        payload.append(contentsOf: kind.utf8)
        payload.append(BinaryTag.map.rawValue)
        payload.appendUInt32(1)
        payload.appendString("jobs")
        payload.append(BinaryTag.array.rawValue)
        payload.appendUInt32(UInt32(assign.jobs.count))
        do {
            for job in assign.jobs { try append(job, to: &payload) }
        } catch {
            throw .unencodable(reason: "\(kind): \(error)")
        }
        return [WireProtocol.header, payload]
    }

    /// Appends one `JobAssignment` in the layout of its `encode(to:)`: a map of `job`, `attempt`,
    /// `parameters`, `timeoutSeconds`, in that order.
    private mutating func append(_ job: JobAssignment, to payload: inout [UInt8]) throws {
        payload.append(BinaryTag.map.rawValue)
        payload.appendUInt32(4)
        payload.appendString("job")
        payload.append(BinaryTag.string.rawValue)
        payload.appendString(job.job.rawValue)
        payload.appendString("attempt")
        payload.append(BinaryTag.signed.rawValue)
        payload.appendVarint(zigzag(Int64(job.attempt)))
        payload.appendString("parameters")
        try appendParameters(job.parameters, to: &payload)
        payload.appendString("timeoutSeconds")
        payload.append(BinaryTag.double.rawValue)
        payload.appendUInt64(job.timeoutSeconds.bitPattern)
    }

    private mutating func appendParameters(_ parameters: JobParameters, to payload: inout [UInt8]) throws {
        let seed = parameters.experiment.seed
        var seedless = parameters
        seedless.experiment.seed = 0
        if let hit = shapeIndex(of: seedless) {
            lastHit = hit
            payload.append(contentsOf: shapes[hit].prefix)
            Self.appendSeed(seed, to: &payload)
            payload.append(contentsOf: shapes[hit].suffix)
            splicedJobs += 1
            return
        }
        let start = payload.count
        try encoder.encode(parameters, appendingTo: &payload)
        if candidate == seedless {
            // A second job of this shape: learn it, keeping it only if splicing this very job
            // gives the bytes just written.
            candidate = nil
            if let learned = try Self.splice(seedless, encoder: encoder) {
                var spliced = learned.prefix
                Self.appendSeed(seed, to: &spliced)
                spliced.append(contentsOf: learned.suffix)
                if spliced.elementsEqual(payload[start...]) {
                    learn(Shape(parameters: seedless, prefix: learned.prefix, suffix: learned.suffix))
                }
            }
        } else {
            candidate = seedless
        }
    }

    private func shapeIndex(of seedless: JobParameters) -> Int? {
        if lastHit < shapes.count, shapes[lastHit].parameters == seedless { return lastHit }
        return shapes.indices.first { $0 != lastHit && shapes[$0].parameters == seedless }
    }

    private mutating func learn(_ shape: Shape) {
        if shapes.count < Self.maxShapes {
            shapes.append(shape)
            lastHit = shapes.count - 1
        } else {
            shapes[nextReplaced] = shape
            lastHit = nextReplaced
            nextReplaced = (nextReplaced + 1) % Self.maxShapes
        }
    }

    /// The seed's encoding: an unsigned integer's tag and LEB128 digits.
    private static func appendSeed(_ seed: UInt64, to bytes: inout [UInt8]) {
        bytes.append(BinaryTag.unsigned.rawValue)
        bytes.appendVarint(seed)
    }

    /// The bytes before and after the seed's value in the encoding of `parameters`, if two
    /// sentinel seeds show that they do not depend on the seed (`nil` otherwise, e.g. if the
    /// seed were ever written in another form).
    static func splice(_ parameters: JobParameters, encoder: WireBinaryEncoder) throws -> (prefix: [UInt8], suffix: [UInt8])? {
        let sentinels: [UInt64] = [0x9A3C_5E7F_1B2D_4F68, 0x8E1F_2A3B_4C5D_6E7F]
        var parts: [(prefix: [UInt8], suffix: [UInt8])] = []
        for sentinel in sentinels {
            var withSentinel = parameters
            withSentinel.experiment.seed = sentinel
            let bytes = try encoder.encode(withSentinel)
            var needle: [UInt8] = []
            appendSeed(sentinel, to: &needle)
            guard let start = onlyOccurrence(of: needle, in: bytes) else { return nil }
            parts.append((Array(bytes[..<start]), Array(bytes[(start + needle.count)...])))
        }
        guard parts[0].prefix == parts[1].prefix, parts[0].suffix == parts[1].suffix else { return nil }
        return parts[0]
    }

    private static func onlyOccurrence(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard let first = needle.first, needle.count <= bytes.count else { return nil }
        var found: Int?
        for start in 0...(bytes.count - needle.count) where bytes[start] == first {
            if bytes[start..<(start + needle.count)].elementsEqual(needle) {
                if found != nil { return nil }
                found = start
            }
        }
        return found
    }
}
