import Foundation
import SweepModel
import SweepWire
import Testing
import TrainingCore
@testable import Worker

@Suite struct BuiltinJobExecutorTests {
    private func job(_ kind: JobKind, attempt: Int = 1, sleepMs: Int = 0, failAttempts: Int = 0, timeout: Double = 60) -> JobAssignment {
        JobAssignment(
            job: JobID(rawValue: "job"), attempt: attempt,
            parameters: JobParameters(kind: kind, experiment: ExperimentConfig(), sleepMs: sleepMs, failAttempts: failAttempts),
            timeout: .positiveSeconds(timeout))
    }

    @Test func noop_completesAsCompleted() throws {
        let result = try BuiltinJobExecutor().run(job(.noop), control: .standalone())
        #expect(result.status == .completed)
        #expect(result.summary == nil)
    }

    @Test func sleep_waitsItsDuration() throws {
        let result = try BuiltinJobExecutor().run(job(.sleep, sleepMs: 60), control: .standalone())
        #expect(result.seconds >= 0.05)
    }

    @Test func sleep_stopsAtItsTimeout() {
        #expect(throws: JobError.timedOut(seconds: 0.05)) {
            try BuiltinJobExecutor().run(job(.sleep, sleepMs: 5_000), control: .standalone(timeoutSeconds: 0.05))
        }
    }

    @Test func failAttempts_failsExactlyTheFirstAttempts() throws {
        let executor = BuiltinJobExecutor()
        #expect(throws: JobError.injectedFailure(attempt: 2, failAttempts: 2)) {
            try executor.run(job(.noop, attempt: 2, failAttempts: 2), control: .standalone())
        }
        #expect(try executor.run(job(.noop, attempt: 3, failAttempts: 2), control: .standalone()).status == .completed)
    }

    @Test func train_needsAnInjectedRunner() throws {
        #expect(throws: JobError.unsupportedKind(.train)) { try BuiltinJobExecutor().run(job(.train), control: .standalone()) }
        let executor = BuiltinJobExecutor { _, _ in JobResult(status: .censored, summary: nil, seconds: 1) }
        #expect(try executor.run(job(.train), control: .standalone()).status == .censored)
    }
}
