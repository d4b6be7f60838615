import Foundation
import SweepModel
import Testing
import TrainingCore
@testable import Reporting

/// `ReportStream` writes from pages what `ReportWriter` writes from the whole job list, byte for
/// byte, and reads one bounded page at a time. The pages are made here as the store makes them
/// (`ResultStore.reportRows`): parameters as sorted-key JSON without `experiment.seed`.
@Suite struct ReportStreamTests {
    /// A store's pages of `records` (in plan order), `pageSize` rows each; with `seedInShape`
    /// the rows leave the seed in the parameter text, as the store does for a seed it cannot read.
    final class Pages {
        let records: [JobRecord]
        let sweep: SweepRecord
        let seedInShape: Bool
        private(set) var requests: [(from: Int, limit: Int)] = []

        init(_ records: [JobRecord], sweep: SweepRecord = ReportFixtures.sweep(), seedInShape: Bool = false) {
            self.records = records.sorted { $0.index < $1.index }
            self.sweep = sweep
            self.seedInShape = seedInShape
        }

        static let encoder: JSONEncoder = {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.nonConformingFloatEncodingStrategy = NonFiniteNumbers.encodingStrategy
            return encoder
        }()

        func read(from: Int, limit: Int) throws -> (sweep: SweepRecord, page: ReportRowsPage) {
            requests.append((from, limit))
            let chosen = records.filter { $0.index >= from }.prefix(limit + 1)
            var shapes: [String] = []
            var rows: [ReportRow] = []
            for record in chosen.prefix(limit) {
                var object = try #require(try JSONSerialization.jsonObject(with: Self.encoder.encode(record.parameters)) as? [String: Any])
                var experiment = try #require(object["experiment"] as? [String: Any])
                if !seedInShape { experiment["seed"] = nil }
                object["experiment"] = experiment
                let text = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
                if !shapes.contains(text) { shapes.append(text) }
                rows.append(ReportRow(
                    id: record.id, index: record.index, status: record.status, shape: shapes.firstIndex(of: text) ?? 0,
                    seed: seedInShape ? nil : record.parameters.experiment.seed, attempts: record.attempts.count,
                    lastError: record.lastError,
                    resultJSON: try record.result.map { String(decoding: try Self.encoder.encode($0), as: UTF8.self) }))
            }
            return (sweep, ReportRowsPage(
                shapes: shapes, rows: rows, next: rows.last.map { $0.index + 1 } ?? from, more: chosen.count > limit))
        }
    }

    static func files(_ directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in ReportWriter.fileNames { files[name] = try Data(contentsOf: directory.appendingPathComponent(name)) }
        return files
    }

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("report-stream-\(UUID().uuidString)")
    }

    @Test(arguments: [1, 2, 4, 1000], [false, true])
    func streamedFiles_equalTheInMemoryReport_whateverThePageSize(pageSize: Int, seedInShape: Bool) throws {
        let records = ReportFixtures.largeJobs()
        let pages = Pages(records, seedInShape: seedInShape)
        let streamed = Self.temporaryDirectory(), whole = Self.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: streamed)
            try? FileManager.default.removeItem(at: whole)
        }
        let outcome = try ReportStream.write(
            to: streamed, pageSize: pageSize, generatedAt: ReportFixtures.generatedAt, pictures: false, read: pages.read)
        let report = SweepReport.build(sweep: ReportFixtures.sweep(), jobs: records, generatedAt: ReportFixtures.generatedAt)
        try ReportWriter.write(report, to: whole, pictures: ClusteringPictures(pictures: [], skipped: 0))

        #expect(try Self.files(streamed) == Self.files(whole))
        var expected = report
        expected.jobs = []
        #expect(outcome.report == expected)
        // One bounded page at a time, in plan order, each starting where the last one ended.
        #expect(pages.requests.allSatisfy { $0.limit == pageSize })
        #expect(pages.requests.map(\.from) == Array(stride(from: 0, to: records.count, by: pageSize)))
        // No part file is left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: streamed.path).sorted()
        #expect(left == ReportWriter.fileNames.sorted())
    }

    /// Pages read a page ahead on a thread of their own give the same files, and a reader that
    /// cannot be made, or fails midway, is an error, not a hang.
    @Test func prefetchedPages_giveTheSameFiles_andFailuresEndTheReport() throws {
        let records = ReportFixtures.largeJobs()
        let prefetched = Self.temporaryDirectory(), direct = Self.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: prefetched)
            try? FileManager.default.removeItem(at: direct)
        }
        _ = try ReportStream.write(to: prefetched, pageSize: 7, generatedAt: ReportFixtures.generatedAt, pictures: false, prefetching: {
            Pages(records).read
        })
        _ = try ReportStream.write(
            to: direct, pageSize: 7, generatedAt: ReportFixtures.generatedAt, pictures: false, read: Pages(records).read)
        #expect(try Self.files(prefetched) == Self.files(direct))

        struct Broken: Error {}
        #expect(throws: ReportError.self) {
            try ReportStream.write(to: prefetched, prefetching: { throw Broken() })
        }
        #expect(throws: ReportError.self) {
            try ReportStream.write(to: prefetched, pageSize: 10, prefetching: {
                let pages = Pages(records)
                return { from, limit in
                    if from >= 30 { throw Broken() }
                    return try pages.read(from: from, limit: limit)
                }
            })
        }
        // The last good report is still there, whole.
        #expect(try Self.files(prefetched) == Self.files(direct))
    }

    @Test func streamedReport_readsTheRepresentativeRunsOnce_forThePictures() throws {
        let pages = Pages(ReportFixtures.smallJobs())
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try ReportStream.write(to: directory, pageSize: 4, generatedAt: ReportFixtures.generatedAt, read: pages.read)
        let representatives = outcome.report.dimensionEffect.flatMap(\.points).compactMap(\.representative)
        #expect(representatives.count == 2)
        // Two pages of jobs, then one single-job read per representative run.
        #expect(pages.requests.count == 2 + representatives.count)
        #expect(pages.requests.dropFirst(2).allSatisfy { $0.limit == 1 })
        let html = try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("What clustering looks like"))
    }

    /// 20,000 jobs made up page by page (no store): only the jobs with a train summary and the
    /// first failures are kept, one page is asked for at a time, and every job reaches the files.
    @Test func largeSweep_keepsOnlyTheJobsItMust_andReadsOnePageAtATime() throws {
        let jobs = 20_000, pageSize = 500
        let encoder = Pages.encoder
        let shapes = try [2, 4].map { dimension in
            var parameters = ReportFixtures.parameters(dimension: dimension, seed: 0, kind: .noop)
            parameters.experiment.seed = 0
            var object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(parameters)) as? [String: Any])
            var experiment = try #require(object["experiment"] as? [String: Any])
            experiment["seed"] = nil
            object["experiment"] = experiment
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        let trained = String(decoding: try encoder.encode(try #require(ReportFixtures.smallJobs()[0].result)), as: UTF8.self)
        final class Log { var requests: [(from: Int, limit: Int)] = [] }
        let log = Log()
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try ReportStream.write(to: directory, pageSize: pageSize, pictures: false) { from, limit in
            log.requests.append((from, limit))
            let end = min(from + limit, jobs)
            let rows = (from..<end).map { index in
                // One job in 100 trained, one in 40 failed, the rest no-ops.
                let failed = index % 40 == 1
                return ReportRow(
                    id: ReportFixtures.jobID(index), index: index, status: failed ? .failed : index % 100 == 0 ? .clustered : .completed,
                    shape: index < jobs / 2 ? 0 : 1, seed: UInt64(index % (jobs / 2)), attempts: failed ? 3 : 1,
                    lastError: failed ? "boom" : nil,
                    resultJSON: failed ? nil : index % 100 == 0 ? trained : #"{"seconds":0.0001,"status":"completed"}"#)
            }
            return (ReportFixtures.sweep(), ReportRowsPage(shapes: shapes, rows: rows, next: end, more: end < jobs))
        }
        #expect(outcome.report.sweep.jobCount == jobs)
        #expect(outcome.report.jobs.isEmpty)
        #expect(outcome.retainedJobs == jobs / 100 + ReportAccumulator.failedShown)
        #expect(outcome.report.digest.failedCount == jobs / 40)
        #expect(log.requests.map(\.from) == Array(stride(from: 0, to: jobs, by: pageSize)))
        #expect(log.requests.allSatisfy { $0.limit == pageSize })
        let csv = try String(contentsOf: directory.appendingPathComponent("report.csv"), encoding: .utf8)
        #expect(csv.components(separatedBy: "\r\n").count == jobs + 2)
        let decoded = try SweepReport.decode(Data(contentsOf: directory.appendingPathComponent("report.json")))
        #expect(decoded.jobs.map(\.index) == Array(0..<jobs))
        #expect(decoded.groups.map(\.runs) == [jobs / 2, jobs / 2])
    }

    @Test func emptySweep_writesAReportWithNoJobs() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try ReportStream.write(to: directory, generatedAt: ReportFixtures.generatedAt, read: Pages([]).read)
        #expect(outcome.report.sweep.jobCount == 0)
        let decoded = try SweepReport.decode(Data(contentsOf: directory.appendingPathComponent("report.json")))
        #expect(decoded.jobs.isEmpty && decoded.sweep.parameters.isEmpty)
    }

    @Test func malformedPage_isAReportError_notACrash() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let row = ReportRow(
            id: JobID(rawValue: "j"), index: 0, status: .completed, shape: 3, seed: 1, attempts: 1, lastError: nil, resultJSON: nil)
        #expect(throws: ReportError.self) {
            try ReportStream.write(to: directory) { _, _ in
                (ReportFixtures.sweep(), ReportRowsPage(shapes: [], rows: [row], next: 1, more: false))
            }
        }
        // Nothing half-written is left.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    /// A thousand failed jobs: the page lists the first `failedShown`, says how many there are,
    /// and report.csv keeps every one.
    @Test func manyFailures_areCountedAll_butListedUpToABound() throws {
        let records = (0..<1000).map { index in
            JobRecord(
                id: ReportFixtures.jobID(index), index: index,
                parameters: ReportFixtures.parameters(dimension: 2, seed: UInt64(index)), status: .failed,
                attempts: [ReportFixtures.attempt(index, 1, error: "boom \(index)")])
        }
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try ReportStream.write(to: directory, pageSize: 300, read: Pages(records).read)
        #expect(outcome.report.digest.failedCount == 1000)
        #expect(outcome.report.digest.failed.count == ReportAccumulator.failedShown)
        let html = try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("Failed jobs (1000)") && html.contains("The first 100 of 1000 failed jobs"))
        let csv = try String(contentsOf: directory.appendingPathComponent("report.csv"), encoding: .utf8)
        #expect(csv.components(separatedBy: "\r\n").filter { $0.contains(",failed,") }.count == 1000)
    }
}
