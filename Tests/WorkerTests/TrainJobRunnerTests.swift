import SweepModel
import SweepWire
import Testing
import TrainingCore
@testable import Worker

/// A worker's train job (bounded checks, no curve) returns the summary a run computing every
/// metric at every check gives: the same times to cluster, status, epochs and `final`.
@Suite struct TrainJobRunnerTests {
    @Test(arguments: [(1, 2), (2, 3), (3, 16)] as [(UInt64, Int)])
    func trainJob_summaryEqualsAFullCurveRun(_ seed: UInt64, _ dimension: Int) throws {
        var config = ExperimentConfig()
        config.points = 150
        config.dimension = dimension
        config.seed = seed
        config.snapshotEpochs = []
        let job = JobAssignment(
            job: JobID(rawValue: "job"), attempt: 1,
            parameters: JobParameters(kind: .train, experiment: config, sleepMs: 0, failAttempts: 0), timeout: .seconds(600))
        let result = try TrainJobRunner().run(job, control: .standalone())
        var full = try ExperimentRun(config: config)
        full.recordsFullCurve = true
        let expected = full.run().summary
        let summary = try #require(result.summary)
        for metric in ClusterMetric.allCases {
            #expect(summary.timeToCluster(metric)?.epoch == expected.timeToCluster(metric)?.epoch, "\(metric)")
        }
        #expect(summary.status == expected.status)
        #expect(summary.epochsRun == expected.epochsRun)
        #expect(summary.final == expected.final)
        #expect(result.status == JobStatus(expected.status))
    }
}
