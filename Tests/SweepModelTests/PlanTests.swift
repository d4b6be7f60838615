import Foundation
import Testing
import TrainingCore
@testable import SweepModel

/// Plan expansion order, job-id stability (golden ids) and id sharing between sweeps.
@Suite struct PlanTests {
    private func spec(_ body: String) throws -> SweepSpec {
        try SweepFile.parse(text: "version: 1\nname: plan-test\n" + body, sourceName: "plan.yaml")
    }

    @Test func plan_expandsFirstAxisSlowestAndSeedsInnermost() throws {
        let sweep = try spec("grid:\n  dimension: [2, 3]\n  input_learning_rate: [0.001, 0.003]\nseeds: [7, 5]\n")
        let jobs = sweep.plan()
        #expect(sweep.jobCount == 8)
        #expect(jobs.map(\.index) == Array(0..<8))
        let triples = jobs.map { ($0.parameters.experiment.dimension, $0.parameters.experiment.inputLearningRate, $0.parameters.experiment.seed) }
        let expected: [(Int, Double, UInt64)] = [
            (2, 0.001, 7), (2, 0.001, 5), (2, 0.003, 7), (2, 0.003, 5),
            (3, 0.001, 7), (3, 0.001, 5), (3, 0.003, 7), (3, 0.003, 5),
        ]
        #expect(triples.map { "\($0)" } == expected.map { "\($0)" })
        #expect(Set(jobs.map(\.id)).count == 8)
    }

    @Test func plan_resolvesEveryJobsParameters() throws {
        let sweep = try spec("kind: sleep\nexperiment:\n  range: 500\n  metric: knn-accuracy\n  sleep_ms: 20\n  fail_attempts: 1\nseeds: 0..2\n")
        let jobs = sweep.plan()
        #expect(jobs.count == 3)
        for job in jobs {
            #expect(job.parameters.kind == .sleep)
            #expect(job.parameters.sleepMs == 20)
            #expect(job.parameters.failAttempts == 1)
            #expect(job.parameters.experiment.inputScale == 1.0 / 500)
            #expect(job.parameters.experiment.threshold == 0.95)
            #expect(job.id == job.parameters.jobID)
        }
        #expect(jobs.map(\.parameters.experiment.seed) == [0, 1, 2])
    }

    @Test func sweepWithoutGrid_runsOneJobPerSeed() throws {
        let sweep = try spec("seeds: 3..6\n")
        #expect(sweep.plan().map(\.parameters.experiment.seed) == [3, 4, 5, 6])
        #expect(try spec("").plan().map(\.parameters.experiment.seed) == [0])
    }

    @Test func canonicalEncoding_isSortedCompactJSON() throws {
        let parameters = JobParameters(kind: .noop, experiment: ExperimentConfig().resolved())
        let json = String(decoding: parameters.canonicalJSON, as: UTF8.self)
        #expect(json == #"{"experiment":{"activation":"tanh","check_every":25,"classes":3,"dimension":2,"hidden":[16,16],"input_learning_rate":0.001,"input_scale":0.001,"keep_going":false,"learning_rate":3e-05,"max_epochs":15000,"metric":"lda-silhouette","optimizer":"adam","points":500,"range":1000,"seed":0,"snapshot_epochs":[0,500,1000],"threshold":0.5},"fail_attempts":0,"kind":"noop","sleep_ms":0}"#)
    }

    /// Golden ids: if one of these changes, every stored result would be orphaned. Change them
    /// only with a format version bump.
    @Test func jobIDs_matchGoldenValues() throws {
        let smoke = try spec("experiment:\n  points: 60\n  max_epochs: 200\ngrid:\n  dimension: [2, 3]\nseeds: 0..1\n").plan()
        #expect(smoke.map(\.id.rawValue) == [
            "066a571406a4e79bdfe26fa68caf05532fb00d5f3f27c29b56b9c255ea82e2aa",
            "78603ce5479fc6d270ff878f6ae61d56e1816dee692d1c51595efd3850b66727",
            "34ee19618c45ba1af5b1a9ab6601b42b1471fc625192267d08ff64971da215e3",
            "3bc3232a1691a44782c289a9a3938cd5e3ec7c990befb14861c2061e535b6148",
        ])
        let noop = JobParameters(kind: .noop, experiment: ExperimentConfig().resolved())
        #expect(noop.jobID.rawValue == "5048bba41c24ffcc2860f057136b00321eab876ed35543cb679d961605fd74e0")
    }

    @Test func numbersSpeltDifferently_giveTheSameJobID() throws {
        let a = try spec("experiment:\n  input_learning_rate: 0.001\n  learning_rate: 0.00003\n  range: 1000\n")
        let b = try spec("experiment:\n  input_learning_rate: 1e-3\n  learning_rate: 3.0e-5\n  range: 1_000.0\n")
        let json = try spec("experiment: {\"input_learning_rate\": 1.0E-3, \"learning_rate\": 3e-05, \"range\": 1e3}\n")
        #expect(a.plan().map(\.id) == b.plan().map(\.id))
        #expect(a.plan().map(\.id) == json.plan().map(\.id))
        // Writing a default explicitly is the same job as leaving it out.
        #expect(a.plan().map(\.id) == (try spec("")).plan().map(\.id))
    }

    @Test func overlappingSweeps_shareTheIDsOfTheirCommonJobs() throws {
        let small = try SweepFile.parse(text: "version: 1\nname: small\ngrid:\n  dimension: [2, 3]\nseeds: 0..4\n", sourceName: "a.yaml")
        let large = try SweepFile.parse(
            text: "version: 1\nname: large\nexperiment:\n  points: 500\ngrid:\n  input_learning_rate: [0.001, 0.01]\n  dimension: [2, 3, 4]\nseeds: 0..9\n",
            sourceName: "b.yaml")
        let smallIDs = Set(small.plan().map(\.id))
        let largeIDs = Set(large.plan().map(\.id))
        #expect(smallIDs.count == 10)
        #expect(smallIDs.isSubset(of: largeIDs))
        #expect(largeIDs.count == 60)
        #expect(small.id != large.id)
    }

    @Test func sweepID_dependsOnNameAndOrderedJobs() throws {
        let a = try spec("grid:\n  dimension: [2, 3]\n")
        let reordered = try spec("grid:\n  dimension: [3, 2]\n")
        var renamed = a
        renamed.name = "other"
        #expect(a.id == (try spec("grid:\n  dimension: [2, 3]\n")).id)
        #expect(a.id != reordered.id)
        #expect(a.id != renamed.id)
        #expect(a.id == SweepSpec.sweepID(name: "plan-test", jobs: a.plan().map(\.id)))
        #expect(a.id.rawValue.count == 64)
    }

    @Test func specBuiltInCode_plansLikeTheFile() throws {
        let file = try spec("experiment:\n  points: 60\ngrid:\n  dimension: [2, 3]\nseeds: [1]\n")
        let points = try #require(ExperimentSetting("points", 60))
        let dimension = try #require(ExperimentKey(rawValue: "dimension"))
        let values = try [2, 3].map { try #require(ExperimentSetting("dimension", $0)) }
        let code = SweepSpec(name: "plan-test", experiment: [points], grid: [GridAxis(key: dimension, values: values)], seeds: [1])
        #expect(file == code)
        #expect(file.plan() == code.plan())
    }
}
