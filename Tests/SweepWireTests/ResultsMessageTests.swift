import Foundation
import SweepModel
import Testing
import TrainingCore
@testable import SweepWire

/// `client.results` / `reply.results` travel like every other client message.
@Suite struct ResultsMessageTests {
    @Test func resultsRequestAndReply_roundTrip() throws {
        let request = ClientRequest.results(.init(sweep: SweepID(rawValue: "abc"), after: 42, limit: 500))
        let frames = try WireCodec.encode(request, requestID: 7)
        #expect(try WireCodec.decodeInbound(frames) == .client(requestID: 7, request))
        #expect(!request.changesState)

        let job = FinishedJob(
            id: JobID(rawValue: String(repeating: "a", count: 64)), index: 3, status: .failed,
            parametersJSON: "{\"kind\":\"noop\"}", resultJSON: nil, error: "boom")
        let reply = ClientReply.results(.init(sweep: SweepID(rawValue: "abc"), jobs: [job], cursor: 99, more: true))
        let decoded = try WireCodec.decodeClientReply(try WireCodec.encode(reply, requestID: 7))
        #expect(decoded.requestID == 7)
        #expect(decoded.reply == reply)
    }
}

/// `FinishedJob.record()` reads the store's JSON text back, NaN losses included.
@Suite struct FinishedJobDecodingTests {
    @Test func record_decodesStoredTextLikeTheStore_andRefusesOtherText() throws {
        let parameters = JobParameters(kind: .noop, experiment: .init())
        let result = JobResult(status: .diverged, summary: nil, seconds: 1.5)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = NonFiniteNumbers.encodingStrategy
        let job = FinishedJob(
            id: JobID(rawValue: "j"), index: 4, status: .diverged,
            parametersJSON: String(decoding: try encoder.encode(parameters), as: UTF8.self),
            resultJSON: String(decoding: try encoder.encode(result), as: UTF8.self), error: nil)
        let record = try job.record()
        #expect(record.parameters == parameters && record.result == result && record.index == 4 && record.status == .diverged)
        var broken = job
        broken.parametersJSON = "{not json"
        #expect(throws: DecodingError.self) { try broken.record() }
    }

    /// A result stored before results left their configuration out (its summary a whole
    /// `TrainSummary`, `config` and `version` included) reads as the same outcome.
    @Test func aStoredSummaryWithItsConfig_readsAsItsOutcome() throws {
        let whole = TrainSummary(config: ExperimentConfig().resolved(), outcome: WireFixtures.summary)
        let summaryJSON = String(decoding: try NonFiniteNumbers.encoder([.sortedKeys]).encode(whole), as: UTF8.self)
        #expect(summaryJSON.contains(#""config":{"#))
        let parameters = String(decoding: try NonFiniteNumbers.encoder([.sortedKeys]).encode(JobParameters(kind: .train, experiment: .init())), as: UTF8.self)
        let job = FinishedJob(
            id: JobID(rawValue: "j"), index: 0, status: .clustered, parametersJSON: parameters,
            resultJSON: #"{"seconds":2.5,"status":"clustered","summary":"# + summaryJSON + "}", error: nil)
        #expect(try job.result() == JobResult(status: .clustered, summary: WireFixtures.summary, seconds: 2.5))
        // What is written now has no configuration in it.
        let written = String(decoding: try NonFiniteNumbers.encoder([.sortedKeys]).encode(
            JobResult(status: .clustered, summary: WireFixtures.summary, seconds: 2.5)), as: UTF8.self)
        #expect(!written.contains("config") && !written.contains("points"))
    }

    /// One spelling is written ("NaN", "Infinity", "-Infinity"); the store's old one still reads.
    @Test func nonFiniteNumbers_areWrittenInOneSpelling_andTheOldStoreSpellingStillReads() throws {
        let result = JobResult(status: .censored, summary: nil, seconds: .infinity)
        let written = String(decoding: try NonFiniteNumbers.encoder([.sortedKeys]).encode(result), as: UTF8.self)
        #expect(written == #"{"seconds":"Infinity","status":"censored"}"#)
        let parameters = String(decoding: try NonFiniteNumbers.encoder([.sortedKeys]).encode(JobParameters(kind: .noop, experiment: .init())), as: UTF8.self)
        for text in [written, #"{"seconds":"inf","status":"censored"}"#] {
            let job = FinishedJob(
                id: JobID(rawValue: "j"), index: 0, status: .censored, parametersJSON: parameters, resultJSON: text, error: nil)
            #expect(try job.result()?.seconds == .infinity)
        }
        let negative = FinishedJob(
            id: JobID(rawValue: "j"), index: 0, status: .censored, parametersJSON: parameters,
            resultJSON: #"{"seconds":"-inf","status":"censored"}"#, error: nil)
        #expect(try negative.result()?.seconds == -.infinity)
        let misspelt = FinishedJob(
            id: JobID(rawValue: "j"), index: 0, status: .censored, parametersJSON: parameters,
            resultJSON: #"{"seconds":"infinite","status":"censored"}"#, error: nil)
        #expect(throws: DecodingError.self) { try misspelt.result() }
    }
}

/// `ReportRow.result()` reads a summary-less result without JSONDecoder, and anything else with it.
@Suite struct ReportRowResultTests {
    static func row(_ text: String?) -> ReportRow {
        ReportRow(id: JobID(rawValue: "j"), index: 0, status: .completed, shape: 0, seed: 1, attempts: 1, lastError: nil, resultJSON: text)
    }

    @Test func storedResults_readBackAsTheDecoderReadsThem() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = NonFiniteNumbers.encodingStrategy
        var diverged = WireFixtures.summary
        diverged.final.loss = .nan
        let results = [
            JobResult(status: .completed, summary: nil, seconds: 0.000_1),
            JobResult(status: .completed, summary: nil, seconds: 3),
            JobResult(status: .clustered, summary: WireFixtures.summary, seconds: 2.5),
            JobResult(status: .diverged, summary: diverged, seconds: 1e-9),
        ]
        for result in results {
            let text = String(decoding: try encoder.encode(result), as: UTF8.self)
            let read = try #require(try Self.row(text).result())
            #expect(read.status == result.status && read.seconds == result.seconds)
            #expect((read.summary == nil) == (result.summary == nil))
        }
        #expect(try Self.row(nil).result() == nil)
        #expect(throws: (any Error).self) { try Self.row(#"{"seconds":1,"status":"exploded"}"#).result() }
        #expect(throws: (any Error).self) { try Self.row(#"{"seconds":"#).result() }
    }
}
