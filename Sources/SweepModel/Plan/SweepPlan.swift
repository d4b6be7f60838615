import Crypto
import Foundation
import TrainingCore

/// A sweep's plan as an index space: position `p` is grid point `p / seeds.count` with seed
/// `seeds[p % seeds.count]`. Any slice of it can be expanded on demand, so a coordinator stores a
/// sweep as its file plus a count and creates job rows only as it dispatches them.
///
/// Job ids are the same as `SweepSpec.plan()`'s (SHA-256 of the canonical JSON), computed fast:
/// per grid point the canonical JSON is encoded once with a sentinel seed, and each seed's
/// encoding is that template with the seed's digits spliced in, which is byte-identical because
/// the encoding sorts keys and writes an integer seed as plain digits. A grid point whose
/// template cannot be proven seed-independent (encoded with two sentinels, the bytes around the
/// seed differ) falls back to encoding every job in full.
public struct SweepPlan: Sendable {
    public let spec: SweepSpec
    /// Jobs in the plan.
    public let count: Int
    private let base: JobParameters
    private let encoder = JobParameters.canonicalEncoder()
    /// The grid point whose template is cached (`nil` before the first use).
    private var cachedPoint: Int?
    private var template: Template?

    /// The canonical JSON of one grid point around its seed.
    private struct Template: Sendable {
        var parameters: JobParameters
        /// Bytes before and after the seed's digits; `nil` when the fast path does not apply.
        var splice: (prefix: [UInt8], suffix: [UInt8])?
        /// The point resolved once, when the splice proved resolution does not depend on the
        /// seed: each job then only sets its seed.
        var resolvedOnce: JobParameters?

        /// The job's resolved parameters with `seed`.
        func parameters(seed: UInt64) -> JobParameters {
            guard var parameters = resolvedOnce else { return SweepPlan.resolved(parameters, seed: seed) }
            parameters.experiment.seed = seed
            return parameters
        }
    }

    public init(_ spec: SweepSpec) {
        self.spec = spec
        let empty = spec.seeds.isEmpty || spec.grid.contains { $0.values.isEmpty }
        count = empty ? 0 : min(max(0, spec.jobCount), Int.max)
        base = spec.baseParameters()
    }

    /// The grid point's parameters before the seed is set.
    private func pointParameters(_ point: Int) -> JobParameters {
        var parameters = base
        var rest = point
        // The last axis varies fastest (the first slowest), as in `SweepSpec.plan()`.
        var choices = [Int](repeating: 0, count: spec.grid.count)
        for axis in spec.grid.indices.reversed() {
            let values = spec.grid[axis].values.count
            choices[axis] = rest % values
            rest /= values
        }
        for (axis, choice) in zip(spec.grid, choices) { axis.values[choice].apply(to: &parameters) }
        return parameters
    }

    /// Resolved parameters of the point with `seed`.
    fileprivate static func resolved(_ point: JobParameters, seed: UInt64) -> JobParameters {
        var parameters = point
        parameters.experiment.seed = seed
        parameters.experiment = parameters.experiment.resolved()
        return parameters
    }

    private mutating func loadTemplate(for point: Int) -> Template {
        if cachedPoint == point, let template { return template }
        let parameters = pointParameters(point)
        let splice = Self.splice(parameters, encoder: encoder)
        let made = Template(
            parameters: parameters, splice: splice, resolvedOnce: splice == nil ? nil : Self.resolved(parameters, seed: 0))
        cachedPoint = point
        template = made
        return made
    }

    /// The bytes around the seed in the point's canonical JSON, if two sentinel seeds show they
    /// do not depend on the seed.
    private static func splice(_ point: JobParameters, encoder: JSONEncoder) -> (prefix: [UInt8], suffix: [UInt8])? {
        let sentinels: [UInt64] = [9_182_736_455_463_728_191, 1_029_384_756_574_839_201]
        var parts: [(prefix: [UInt8], suffix: [UInt8])] = []
        for sentinel in sentinels {
            let bytes = [UInt8](resolved(point, seed: sentinel).canonicalJSON(using: encoder))
            let needle = Array("\"seed\":\(sentinel)".utf8)
            guard let start = Self.onlyOccurrence(of: needle, in: bytes) else { return nil }
            let digitsStart = start + needle.count - String(sentinel).utf8.count
            let end = start + needle.count
            guard end < bytes.count, bytes[end] == UInt8(ascii: ",") || bytes[end] == UInt8(ascii: "}") else {
                return nil
            }
            parts.append((Array(bytes[..<digitsStart]), Array(bytes[end...])))
        }
        guard parts[0].prefix == parts[1].prefix, parts[0].suffix == parts[1].suffix else { return nil }
        return parts[0]
    }

    private static func onlyOccurrence(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        var found: Int?
        var i = 0
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0] && bytes[i..<(i + needle.count)].elementsEqual(needle) {
                if found != nil { return nil }
                found = i
            }
            i += 1
        }
        return found
    }

    /// The id of the job at `position` (0 ≤ position < count).
    public mutating func jobID(at position: Int) -> JobID {
        JobID(rawValue: JobParameters.hex(digest(at: position)))
    }

    /// SHA-256 of the canonical JSON of the job at `position`: its id before hex encoding. The
    /// seed's digits are hashed between the template's two parts, so nothing is allocated per job
    /// (what makes hashing a million-job plan take about a second).
    mutating func digest(at position: Int) -> SHA256Digest {
        let seeds = spec.seeds
        let seed = seeds[position % seeds.count]
        // The splice is read from the cache in place: copying the whole template per job costs
        // retains that showed in profiles.
        if cachedPoint != position / seeds.count { _ = loadTemplate(for: position / seeds.count) }
        guard let splice = template?.splice else {
            let parameters = loadTemplate(for: position / seeds.count).parameters(seed: seed)
            return SHA256.hash(data: parameters.canonicalJSON(using: encoder))
        }
        var hasher = SHA256()
        splice.prefix.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        Self.withDecimalDigits(of: seed) { hasher.update(bufferPointer: $0) }
        splice.suffix.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return hasher.finalize()
    }

    /// Adds the id of the job at `position` to a sweep id being computed and returns the id's
    /// first 8 bytes (for spotting a job that repeats); the id's string is made only when
    /// `returningID` (hashing once either way).
    public mutating func addJobID(
        at position: Int, to sweepID: inout SweepIDHasher, returningID: Bool = false
    ) -> (prefix: UInt64, id: JobID?) {
        let digest = digest(at: position)
        sweepID.add(digest: digest)
        var prefix: UInt64 = 0
        for byte in digest.prefix(8) { prefix = prefix << 8 | UInt64(byte) }
        return (prefix, returningID ? JobID(rawValue: JobParameters.hex(digest)) : nil)
    }

    /// Calls `body` with the ASCII decimal digits of `value`, from a stack buffer.
    private static func withDecimalDigits<T>(of value: UInt64, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var digits = value
            var at = 20
            repeat {
                at -= 1
                buffer[at] = UInt8(ascii: "0") + UInt8(digits % 10)
                digits /= 10
            } while digits > 0
            return body(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[at..<20]))
        }
    }

    /// The job at `position` and its canonical JSON (what its id hashes), which is also a valid
    /// stored form of its parameters: a store saves re-encoding it.
    public mutating func encodedJob(at position: Int) -> (job: PlannedJob, canonicalJSON: String) {
        let seeds = spec.seeds
        let parameters = loadTemplate(for: position / seeds.count).parameters(seed: seeds[position % seeds.count])
        return withCanonicalJSON(at: position) { bytes in
            let id = JobID(rawValue: JobParameters.hex(SHA256.hash(data: bytes)))
            return (PlannedJob(id: id, index: position, parameters: parameters), String(decoding: bytes, as: UTF8.self))
        }
    }

    /// Calls `body` with the canonical JSON of the job at `position`.
    private mutating func withCanonicalJSON<T>(at position: Int, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        let seeds = spec.seeds
        let seed = seeds[position % seeds.count]
        let template = loadTemplate(for: position / seeds.count)
        guard let splice = template.splice else {
            let data = Self.resolved(template.parameters, seed: seed).canonicalJSON(using: encoder)
            return data.withUnsafeBytes(body)
        }
        var bytes = splice.prefix
        Self.withDecimalDigits(of: seed) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: splice.suffix)
        return bytes.withUnsafeBytes(body)
    }

    /// The job at `position`, with its resolved parameters.
    public mutating func job(at position: Int) -> PlannedJob {
        let seeds = spec.seeds
        let parameters = loadTemplate(for: position / seeds.count).parameters(seed: seeds[position % seeds.count])
        return PlannedJob(id: jobID(at: position), index: position, parameters: parameters)
    }

    /// The jobs at `positions` (clamped to the plan), in order, with their canonical JSON.
    public mutating func encodedJobs(in positions: Range<Int>) -> (jobs: [PlannedJob], canonicalJSON: [String]) {
        let range = positions.clamped(to: 0..<count)
        var jobs: [PlannedJob] = []
        var texts: [String] = []
        jobs.reserveCapacity(range.count)
        texts.reserveCapacity(range.count)
        for position in range {
            let encoded = encodedJob(at: position)
            jobs.append(encoded.job)
            texts.append(encoded.canonicalJSON)
        }
        return (jobs, texts)
    }

    /// The jobs at `positions` (clamped to the plan), in order.
    public mutating func jobs(in positions: Range<Int>) -> [PlannedJob] {
        let range = positions.clamped(to: 0..<count)
        var jobs: [PlannedJob] = []
        jobs.reserveCapacity(range.count)
        for position in range { jobs.append(job(at: position)) }
        return jobs
    }
}

/// The sweep id, fed one job id at a time in plan order, so a big plan is hashed in slices
/// (see `SweepSpec.sweepID(name:jobs:)`, which it equals).
public struct SweepIDHasher {
    private var hasher = SHA256()
    public private(set) var jobsHashed = 0

    public init(name: String) {
        hasher.update(data: Data((name + "\n").utf8))
    }

    public mutating func add(_ job: JobID) {
        var line = job.rawValue
        line.append("\n")
        line.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        jobsHashed += 1
    }

    /// Adds the job whose id is the hex of `digest`, without making the id's string.
    mutating func add(digest: SHA256Digest) {
        let digits = Array("0123456789abcdef".utf8)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 65) { line in
            var at = 0
            for byte in digest {
                line[at] = digits[Int(byte >> 4)]
                line[at + 1] = digits[Int(byte & 0x0F)]
                at += 2
            }
            line[64] = UInt8(ascii: "\n")
            hasher.update(bufferPointer: UnsafeRawBufferPointer(line))
        }
        jobsHashed += 1
    }

    public func finalize() -> SweepID {
        SweepID(rawValue: JobParameters.hex(hasher.finalize()))
    }
}
