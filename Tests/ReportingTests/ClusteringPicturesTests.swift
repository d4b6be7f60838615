import Foundation
import SweepModel
import Testing
import TrainingCore
@testable import Reporting

/// The pictures replay real runs: the report's representative run, trained again from its stored
/// configuration, must end where the stored run did and give three snapshots.
@Suite struct ClusteringPicturesTests {
    /// Real (tiny) runs at D = 2 and 4, two seeds each, as a sweep's records.
    static func realJobs() throws -> [JobRecord] {
        var jobs: [JobRecord] = []
        for dimension in [2, 4] {
            for seed in 0..<2 {
                var config = ExperimentConfig()
                config.points = 40
                config.dimension = dimension
                config.seed = UInt64(seed)
                config.maxEpochs = 150
                config.inputLearningRate = 0.003
                config.snapshotEpochs = [0]
                var run = try ExperimentRun(config: config)
                let summary = run.run().summary
                let index = jobs.count
                let status = JobStatus(summary.status)
                jobs.append(JobRecord(
                    id: ReportFixtures.jobID(index), index: index,
                    parameters: JobParameters(kind: .train, experiment: config.resolved()), status: status,
                    attempts: [ReportFixtures.attempt(index, 1, error: nil)],
                    result: JobResult(status: status, summary: summary.outcome, seconds: summary.trainSeconds)))
            }
        }
        return jobs
    }

    @Test func replay_reproducesTheStoredRun_withThreeSnapshots() throws {
        let report = SweepReport.build(sweep: ReportFixtures.sweep(), jobs: try Self.realJobs(), generatedAt: ReportFixtures.generatedAt)
        let pictures = ClusteringPictures.replay(report)
        let representatives = report.dimensionEffect.flatMap(\.points).compactMap(\.representative)
        #expect(representatives.count == 2)
        #expect(pictures.pictures.count == 2 && pictures.skipped == 0)
        for picture in pictures.pictures {
            #expect(picture.mismatch == nil, "\(picture.mismatch ?? "")")
            let last = Int(picture.run.epochs)
            #expect(picture.snapshots.map(\.epoch) == Array(Set([0, last / 2, last])).sorted())
            #expect(picture.snapshots.allSatisfy { $0.dimension == picture.dimension && $0.count == 40 })
        }
        let html = ReportHTML.render(report, pictures: pictures)
        #expect(html.contains("<section id=\"pictures\">"))
        #expect(XMLCheck.parse(html).error == nil)
        // Two runs × up to three frames, plus the headline, KM and metric charts.
        #expect(html.components(separatedBy: "<svg ").count - 1 >= 1 + 1 + 4 + 2 * 2)
    }

    @Test func replay_saysSo_whenTheStoredRunEndedElsewhere() throws {
        var jobs = try Self.realJobs()
        // Pretend a worker on another CPU family clustered one check later than the replay will.
        for i in jobs.indices {
            guard var summary = jobs[i].result?.summary else { continue }
            if let time = summary.timeToCluster(.ldaSilhouette) {
                summary.timeToCluster[ClusterMetric.ldaSilhouette.key] = ClusterTime(epoch: time.epoch + 25, seconds: time.seconds)
                summary.epochsRun = time.epoch + 25
            } else {
                summary.epochsRun -= 25
            }
            jobs[i].result?.summary = summary
        }
        let report = SweepReport.build(sweep: ReportFixtures.sweep(), jobs: jobs, generatedAt: ReportFixtures.generatedAt)
        let pictures = ClusteringPictures.replay(report)
        #expect(!pictures.pictures.isEmpty)
        for picture in pictures.pictures where picture.run.clustered {
            #expect(picture.mismatch?.contains("where the stored run did at epoch \(Int(picture.run.epochs))") == true)
        }
    }

    @Test func replay_stopsAtTheBudget_andCountsWhatItLeftOut() throws {
        let report = SweepReport.build(sweep: ReportFixtures.sweep(), jobs: try Self.realJobs(), generatedAt: ReportFixtures.generatedAt)
        let none = ClusteringPictures.replay(report, budget: 0)
        let representatives = report.dimensionEffect.flatMap(\.points).filter { ($0.representative?.epochs ?? 0) > 0 }
        #expect(none.pictures.count == report.dimensionEffect.flatMap(\.points).count - representatives.count)
        #expect(none.skipped == representatives.count)
        #expect(ReportHTML.render(report, pictures: none).contains("were not replayed"))
    }
}

extension ClusteringPicturesTests {
    /// Every family this CPU runs replays a run bit for bit when the summary names it.
    @Test(arguments: KernelFamily.supported)
    func replay_usesTheWorkersKernelFamily(family: KernelFamily) throws {
        var config = ExperimentConfig()
        config.points = 40
        config.dimension = 3
        config.seed = 5
        config.maxEpochs = 150
        config.inputLearningRate = 0.003
        var run = try ExperimentRun(config: config)
        run.kernelFamily = family
        let summary = run.run().summary
        #expect(summary.kernelFamily == family)
        let epochs = summary.timeToCluster(.ldaSilhouette)?.epoch ?? summary.epochsRun
        let representative = RepresentativeRun(
            jobID: "job", seed: .int(5), epochs: Double(epochs), clustered: summary.timeToCluster(.ldaSilhouette) != nil)
        let picture = try #require(ClusteringPictures.replay(
            summary.config, family: family, run: representative, metric: .ldaSilhouette, series: 0, dimension: 3))
        #expect(picture.mismatch == nil, "\(picture.mismatch ?? "")")
    }
}
