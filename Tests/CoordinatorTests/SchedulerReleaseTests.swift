import Foundation
import SweepModel
import SweepStore
import Testing
@testable import Coordinator

/// Released attempts are free only up to `maxFreeReleases`: a worker that keeps saying hello
/// without its jobs cannot push a job's attempt numbers up for ever.
@Suite struct SchedulerReleaseTests {
    let a = Fixture.worker("a")

    @Test func helloAfterHello_withoutTheJob_endsWithBoundedAttempts() {
        var configuration = SchedulerConfiguration()
        configuration.prefetchPerWorker = 0
        configuration.maxFreeReleases = 4
        var s = Scheduler(configuration: configuration)
        _ = s.sweepSubmitted(Fixture.sweep("s", jobs: [0], maxAttempts: 2), at: Fixture.at(0))
        var failed = false
        for round in 0..<100 {
            let actions = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(Double(round)))
            if actions.contains(where: { if case .persist(.jobFailed) = $0 { true } else { false } }) {
                failed = true
                break
            }
            #expect(s.invariantViolations() == [])
        }
        #expect(failed)
        #expect(s.status(of: Fixture.job(0)) == .failed)
        // 1 first attempt + 4 free releases + 2 charged ones, then no more.
        #expect(s.attemptsIssued(for: Fixture.job(0)) <= 1 + 4 + 2)
    }

    @Test func fewReleases_stayFree() {
        var configuration = SchedulerConfiguration()
        configuration.prefetchPerWorker = 0
        var s = Scheduler(configuration: configuration)
        _ = s.sweepSubmitted(Fixture.sweep("s", jobs: [0], maxAttempts: 1), at: Fixture.at(0))
        for round in 0..<configuration.maxFreeReleases {
            _ = s.workerHello(a, slots: 1, running: [], finished: [], at: Fixture.at(Double(round)))
        }
        #expect(s.status(of: Fixture.job(0)) == .running)
        let done = s.jobResult(a, job: Fixture.job(0), attempt: s.attemptsIssued(for: Fixture.job(0)), result: Fixture.done, at: Fixture.at(50))
        #expect(done.contains { if case .persist(.resultRecorded) = $0 { true } else { false } })
    }
}
