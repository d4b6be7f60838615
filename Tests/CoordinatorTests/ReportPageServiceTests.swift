import Foundation
import SweepModel
import SweepWire
import Testing
@testable import Coordinator

/// `client.report_page` over a real socket: a report of any size is read in bounded pages, and
/// the one-reply `client.report` is only answered for small sweeps.
@Suite(.serialized) struct ReportPageServiceTests {
    @Test func reportPages_returnEveryJobExactlyOnce_inPlanOrder() throws {
        let directory = try TemporaryDirectory()
        let coordinator = try RunningCoordinator(statePath: directory.statePath)
        defer { _ = coordinator.stop() }
        let client = try CoordinatorClient(endpoint: coordinator.endpoint, timeoutSeconds: 30)
        let jobs = 2_345
        let submitted = try client.submit(noopSweep(name: "paged", jobs: jobs))

        // The coordinator creates a sweep's jobs a slice at a time after the submit (lazy plans):
        // page once all of them exist.
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            guard case .reportPage(let first) = try client.send(.reportPage(.init(sweep: submitted.sweep, from: 0, limit: 1))) else {
                throw TestFailure("report_page was not answered")
            }
            #expect(first.sweep.jobCount == jobs)
            if first.sweep.unplannedJobs == 0 { break }
            guard ContinuousClock.now < deadline else { throw TestFailure("the sweep's jobs were not all created in 20 s") }
            Thread.sleep(forTimeInterval: 0.02)
        }
        var indices: [Int] = []
        var ids: [JobID] = []
        var seeds: [UInt64?] = []
        var from = 0
        var pages = 0
        while true {
            // Asking for more than a page gets a page.
            let reply = try client.send(.reportPage(.init(sweep: submitted.sweep, from: from, limit: 5_000)))
            guard case .reportPage(let body) = reply else { throw TestFailure("report_page answered \(reply)") }
            pages += 1
            #expect(body.sweep.id == submitted.sweep)
            #expect(body.page.rows.count <= ClientRequest.ReportPage.maxLimit)
            #expect(body.page.shapes.count == 1)  // noop jobs that differ only in their seed
            indices += body.page.rows.map(\.index)
            ids += body.page.rows.map(\.id)
            seeds += body.page.rows.map(\.seed)
            from = body.page.next
            if !body.page.more { break }
        }
        #expect(pages == 3)
        #expect(indices == Array(0..<jobs))
        #expect(Set(ids).count == jobs)
        #expect(seeds == (0..<jobs).map { UInt64($0) })

        // The one-reply report is refused for a sweep this size, and says what to do.
        let legacy = try client.send(.report(.init(sweep: submitted.sweep)))
        guard case .error(let failure) = legacy else { throw TestFailure("report answered \(legacy)") }
        #expect(failure.code == .badRequest && failure.message.contains("upgrade"))

        let bad = try client.send(.reportPage(.init(sweep: submitted.sweep, from: -1, limit: 10)))
        guard case .error(let refusal) = bad else { throw TestFailure("report_page answered \(bad)") }
        #expect(refusal.code == .badRequest)
    }
}
