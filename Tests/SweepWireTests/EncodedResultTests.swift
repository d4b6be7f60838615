import SweepModel
import Testing
@testable import SweepWire

/// `worker.results` built from results encoded once, on the worker's slot threads.
@Suite struct EncodedResultTests {
    private let results = (0..<5).map { WireFixtures.completed($0) } + [WireFixtures.completed(9, summary: WireFixtures.summary)]

    @Test func encodeResults_isByteForByteTheEncodingOfTheDecodedMessage() throws {
        let encoded = try results.map(EncodedResult.init)
        #expect(WireCodec.encodeResults(encoded) == (try WireCodec.encode(WorkerMessage.results(.init(results)))))
        #expect(WireCodec.encodeResults([EncodedResult]()) == (try WireCodec.encode(WorkerMessage.results(.init([])))))
        guard case .worker(.results(let decoded)) = try WireCodec.decodeInbound(WireCodec.encodeResults(encoded)) else {
            Issue.record("not a results message")
            return
        }
        #expect(decoded.results == results)
    }

    @Test func initFromFrame_readsJobAndAttemptAndKeepsTheBytes() throws {
        let bytes = try EncodedResult(results[5]).bytes
        let fromFrame = try EncodedResult(frame: [2] + bytes, offset: 1)
        #expect(fromFrame.jobAttempt == results[5].jobAttempt)
        #expect(fromFrame.bytes == bytes)
        #expect(try fromFrame.decoded() == results[5])
    }

    @Test func initFromFrame_whenTruncated_throwsMalformed() throws {
        let bytes = try EncodedResult(results[0]).bytes
        for length in 0..<bytes.count {
            #expect(throws: WireError.self) { try EncodedResult(frame: Array(bytes.prefix(length))) }
        }
    }
}
