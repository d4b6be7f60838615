import SweepModel
import Testing
@testable import SweepWire

/// The coordinator's fast path for `worker.results` without train summaries reads exactly what
/// the generic decoder reads, and hands every other shape to it.
@Suite struct PlainResultsReaderTests {
    typealias F = WireFixtures

    /// The payload frame's bytes and where the body starts.
    private func payload(_ message: WorkerMessage) throws -> (bytes: [UInt8], body: Int) {
        let frames = try WireCodec.encode(message)
        let payload = try #require(frames.last)
        return (payload, 1 + Int(payload[0]))
    }

    @Test func summaryFreeResults_readAsTheGenericDecoderReadsThem() throws {
        let results: [CompletedJob] = (0..<50).map { n in
            let status: JobStatus = [.completed, .clustered, .censored, .diverged][n % 4]
            return CompletedJob(job: F.jobID(n), attempt: 1 + n % 5, result: JobResult(status: status, summary: nil, seconds: Double(n) / 7))
        } + [CompletedJob(job: JobID(rawValue: "short-id"), attempt: 1_000_000, result: JobResult(status: .completed, summary: nil, seconds: .nan))]
        let (bytes, body) = try payload(.results(.init(results)))
        let plain = try #require(PlainResultsReader.read(bytes, at: body))
        let generic = try WireBinaryDecoder().decode(WorkerMessage.Results.self, from: bytes, offset: body).results
        #expect(plain.count == generic.count)
        for (a, b) in zip(plain, generic) {
            #expect(a.job == b.job && a.attempt == b.attempt && a.result.status == b.result.status)
            #expect(a.result.seconds.bitPattern == b.result.seconds.bitPattern)
            #expect(a.result.summary == nil && b.result.summary == nil)
        }
        #expect(try WireCodec.decodeInbound(WireCodec.encode(WorkerMessage.results(.init(Array(results.prefix(50)))))) == .worker(.results(.init(Array(results.prefix(50))))))
        #expect(PlainResultsReader.read(try payload(.results(.init([]))).bytes, at: try payload(.results(.init([]))).body) == [])
    }

    @Test func otherShapes_goToTheGenericDecoder() throws {
        // A train summary: the generic decoder reads it, the fast path declines.
        let withSummary = WorkerMessage.results(.init([F.completed(1), F.completed(2, summary: F.summary)]))
        let (bytes, body) = try payload(withSummary)
        #expect(PlainResultsReader.read(bytes, at: body) == nil)
        #expect(try WireCodec.decodeInbound(WireCodec.encode(withSummary)) == .worker(withSummary))
        // Trailing bytes, a truncated body, a bad status: declined, and the generic decoder
        // reports the trouble (or, for a truncation, fails) as before.
        let plain = try payload(.results(.init([F.completed(1), F.completed(2)])))
        #expect(PlainResultsReader.read(plain.bytes + [0], at: plain.body) == nil)
        for cut in stride(from: plain.body, to: plain.bytes.count, by: 3) {
            #expect(PlainResultsReader.read(Array(plain.bytes[..<cut]), at: plain.body) == nil)
        }
        var badStatus = plain.bytes
        if let at = badStatus.indices.first(where: { badStatus[$0...].starts(with: Array("clustered".utf8)) }) {
            badStatus[at] = UInt8(ascii: "k")
        }
        #expect(PlainResultsReader.read(badStatus, at: plain.body) == nil)
        #expect(throws: WireError.self) { try WireCodec.decodeInbound([WireProtocol.header, badStatus]) }
    }
}
