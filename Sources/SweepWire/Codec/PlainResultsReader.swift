import SweepModel

/// Reads the body of a `worker.results` whose every result has no train summary (`noop` and
/// `sleep` jobs) straight off the bytes, for the coordinator's dispatch hot path: the generic
/// decoder builds two keyed containers, their key tables and several strings per result, which
/// cost more than the rest of a result's handling.
///
/// Strict: it accepts only the exact shape `WireBinaryEncoder` writes for such results
/// (`{results: [{job, attempt, result: {status, seconds}}]}`, keys in that order, nothing after)
/// and returns `nil` for anything else, which the generic decoder then reads or rejects with its
/// precise error. Whatever it accepts decodes to the same values as the generic decoder.
enum PlainResultsReader {
    static func read(_ bytes: [UInt8], at offset: Int) -> [CompletedJob]? {
        let input = BinaryInput(bytes: bytes, maxDepth: 8)
        do {
            var position = try expectMap(input, at: offset, count: 1)
            position = try expectKey(input, at: position, "results")
            guard try input.tag(at: position, []) == BinaryTag.array.rawValue else { return nil }
            // Each result takes at least 40 bytes (keys included): the count cannot allocate much.
            let count = try input.count(at: position + 1, bytesPerElement: 40, [])
            position += 5
            var results: [CompletedJob] = []
            results.reserveCapacity(count)
            for _ in 0..<count {
                position = try expectMap(input, at: position, count: 3)
                position = try expectKey(input, at: position, "job")
                let job = try input.readString(at: position, [])
                position = try input.skip(position, depth: 0, codingPath: [])
                position = try expectKey(input, at: position, "attempt")
                let attempt = try input.readInteger(Int.self, at: position, [])
                position = try input.skip(position, depth: 0, codingPath: [])
                position = try expectKey(input, at: position, "result")
                position = try expectMap(input, at: position, count: 2)
                position = try expectKey(input, at: position, "status")
                guard let status = JobStatus(rawValue: try input.readString(at: position, [])) else { return nil }
                position = try input.skip(position, depth: 0, codingPath: [])
                position = try expectKey(input, at: position, "seconds")
                let seconds = try input.readDouble(at: position, [])
                position = try input.skip(position, depth: 0, codingPath: [])
                results.append(CompletedJob(
                    job: JobID(rawValue: job), attempt: attempt,
                    result: JobResult(status: status, summary: nil, seconds: seconds)))
            }
            return position == bytes.count ? results : nil
        } catch {
            return nil
        }
    }

    private struct Mismatch: Error {}

    /// The offset of the first key of the map of `count` entries at `offset`.
    private static func expectMap(_ input: BinaryInput, at offset: Int, count: Int) throws -> Int {
        guard try input.tag(at: offset, []) == BinaryTag.map.rawValue,
            try input.count(at: offset + 1, bytesPerElement: 2, []) == count
        else { throw Mismatch() }
        return offset + 5
    }

    /// The offset of the value after the key `name` at `offset`.
    private static func expectKey(_ input: BinaryInput, at offset: Int, _ name: String) throws -> Int {
        let key = try input.stringRange(at: offset, [])
        guard input.bytes(in: key, equal: name) else { throw Mismatch() }
        return key.upperBound
    }
}
