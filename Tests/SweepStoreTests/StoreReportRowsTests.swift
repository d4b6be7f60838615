import Benchmarks
import Foundation
import SweepModel
import Testing
import TrainingCore
@testable import SweepStore

/// `reportRows`: a sweep's jobs in plan order, page by page, each parameter text once per page
/// with the seed taken out, results as stored.
@Suite struct StoreReportRowsTests {
    @Test func pages_coverEveryJobOnceInPlanOrder_withSeedsAttemptsAndErrors() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            // Two grid points (points 2 and 3) of five seeds each, in the other sweep's pool too.
            let jobs = (0..<10).map { index in
                var experiment = ExperimentConfig()
                experiment.points = index < 5 ? 2 : 3
                experiment.seed = UInt64(100 + index % 5)
                return PlannedJob(
                    id: JobID(rawValue: StoreBenchmark.hexID(31, index)), index: index,
                    parameters: JobParameters(kind: .noop, experiment: experiment))
            }
            _ = try store.submit(sweep: sweepRecord(1), jobs: jobs)
            _ = try store.submit(sweep: sweepRecord(2), jobs: plan(0..<4))
            _ = try store.apply([.attemptStarted(job: jobs[3].id, number: 1, worker: workerA)], at: at(1))
            _ = try store.apply([.attemptEnded(job: jobs[3].id, number: 1, outcome: .error, error: "first")], at: at(2))
            _ = try store.apply([.attemptStarted(job: jobs[3].id, number: 2, worker: workerA)], at: at(3))
            _ = try store.apply([.attemptEnded(job: jobs[3].id, number: 2, outcome: .error, error: "second")], at: at(4))
            _ = try store.apply([.attemptStarted(job: jobs[3].id, number: 3, worker: workerB)], at: at(5))
            _ = try store.apply([.resultRecorded(job: jobs[3].id, attempt: 3, result: clustered(2.5))], at: at(6))

            var rows: [ReportRow] = []
            var from = 0
            var pages = 0
            while true {
                let page = try store.reportRows(sweep: sweepRecord(1).id, from: from, limit: 4)
                pages += 1
                #expect(page.rows.count <= 4)
                // Each page lists each parameter text once; every job of a grid point shares it.
                #expect(Set(page.shapes).count == page.shapes.count)
                #expect(page.shapes.count == Set(page.rows.map { $0.index < 5 }).count)
                for row in page.rows {
                    let text = try #require(page.shape(of: row))
                    #expect(!text.contains("\"seed\""))
                    let decoded = try JSONDecoder().decode(JobParameters.self, from: Data(text.utf8))
                    var expected = jobs[row.index].parameters
                    expected.experiment.seed = 0
                    #expect(decoded == expected)
                }
                rows += page.rows
                from = page.next
                if !page.more { break }
            }
            #expect(pages == 3)
            #expect(rows.map(\.index) == Array(0..<10))
            #expect(rows.map(\.id) == jobs.map(\.id))
            #expect(rows.map(\.seed) == jobs.map { $0.parameters.experiment.seed })
            #expect(rows[3].attempts == 3 && rows[3].lastError == "second" && rows[3].status == .clustered)
            #expect(try rows[3].result() == clustered(2.5))
            #expect(rows[0].attempts == 0 && rows[0].lastError == nil && rows[0].resultJSON == nil && rows[0].status == .pending)
            let past = try store.reportRows(sweep: sweepRecord(1).id, from: 10, limit: 4)
            #expect(past.rows.isEmpty && !past.more && past.next == 10)
        }
    }

    /// A seed above `Int64.max` is taken out like any other.
    @Test func hugeSeed_isTakenOutToo() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            var experiment = ExperimentConfig()
            experiment.seed = UInt64.max - 1
            let job = PlannedJob(
                id: JobID(rawValue: StoreBenchmark.hexID(32, 0)), index: 0,
                parameters: JobParameters(kind: .noop, experiment: experiment))
            _ = try store.submit(sweep: sweepRecord(1), jobs: [job])
            let page = try store.reportRows(sweep: sweepRecord(1).id, from: 0, limit: 10)
            let row = try #require(page.rows.first)
            #expect(row.seed == UInt64.max - 1)
            var decoded = try JSONDecoder().decode(JobParameters.self, from: Data(try #require(page.shape(of: row)).utf8))
            decoded.experiment.seed = UInt64.max - 1
            #expect(decoded == job.parameters)
        }
    }

    /// The synthetic sweep of `bench report` is a finished sweep whose every job has a result.
    @Test func syntheticSweep_isFinished_withEveryJobCompleted() throws {
        try withTemporaryDirectory { dir in
            let sweep = try SyntheticSweep.write(to: dir + "/state.sqlite", jobs: 1003, trainEvery: 10, batchSize: 100)
            let store = try ResultStore(path: dir + "/state.sqlite", readOnly: true)
            #expect(try store.sweep(id: sweep.id)?.finishedAt != nil)
            let counts = try store.counts(sweep: sweep.id)
            #expect(counts[.completed] == 1003 - 101)
            #expect((counts[.clustered] ?? 0) + (counts[.censored] ?? 0) == 101)
            let page = try store.reportRows(sweep: sweep.id, from: 0, limit: 1003)
            #expect(page.rows.count == 1003 && !page.more)
            #expect(page.shapes.count == SyntheticSweep.dimensions.count)
        }
    }
}

/// `SeedSplit`: the one `"seed":N` member of a text out, anything else left whole.
@Suite struct SeedSplitTests {
    @Test func takesOutTheSeedMember_withOneComma() throws {
        let middle = try #require(SeedSplit(#"{"experiment":{"points":3,"seed":17,"threshold":0.5},"kind":"noop"}"#))
        #expect(middle.shape == #"{"experiment":{"points":3,"threshold":0.5},"kind":"noop"}"#)
        #expect(middle.seed == 17)
        let last = try #require(SeedSplit(#"{"experiment":{"points":3,"seed":18446744073709551614},"kind":"noop"}"#))
        #expect(last.shape == #"{"experiment":{"points":3},"kind":"noop"}"#)
        #expect(last.seed == UInt64.max - 1)
        let only = try #require(SeedSplit(#"{"experiment":{"seed":5},"kind":"noop"}"#))
        #expect(only.shape == #"{"experiment":{},"kind":"noop"}"#)
    }

    @Test func leavesTheTextWhole_whenTheSeedIsNotOneInteger() {
        #expect(SeedSplit(#"{"experiment":{"points":3},"kind":"noop"}"#) == nil)
        #expect(SeedSplit(#"{"a":{"seed":1},"experiment":{"seed":2}}"#) == nil)
        #expect(SeedSplit(#"{"experiment":{"seed":-1}}"#) == nil)
        #expect(SeedSplit(#"{"experiment":{"seed":1.5}}"#) == nil)
        #expect(SeedSplit(#"{"experiment":{"seed":"7"}}"#) == nil)
        #expect(SeedSplit(#"{"experiment":{"seed":99999999999999999999999}}"#) == nil)
    }

    /// A `"seed":` member that is not `experiment.seed` fails the check.
    @Test func check_refusesASplitThatIsNotTheExperimentsSeed() throws {
        let coding = StoreCoding()
        var parameters = JobParameters(kind: .noop, experiment: ExperimentConfig())
        parameters.experiment.seed = 3
        let text = try coding.json(parameters)
        let split = try #require(SeedSplit(text))
        #expect(SeedSplit.check(split, of: text, coding: coding))
        let elsewhere = #"{"experiment":{"points":3},"extra":{"seed":4},"fail_attempts":0,"kind":"noop","sleep_ms":0}"#
        let forged = try #require(SeedSplit(elsewhere))
        #expect(forged.seed == 4)
        #expect(!SeedSplit.check(forged, of: elsewhere, coding: coding))
    }
}
