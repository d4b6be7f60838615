import Foundation
import Testing
import TrainingCore
@testable import SweepModel

/// `SweepPlan`'s fast ids (seed spliced into a per-grid-point template) equal the canonical
/// encoding of every job, and any slice of the plan equals the same part of the whole.
@Suite struct SweepPlanTests {
    private func spec(_ body: String) throws -> SweepSpec {
        try SweepFile.parse(text: "version: 1\nname: sweep-plan-test\n" + body, sourceName: "plan.yaml")
    }

    /// Sweeps whose grids vary the options a seed could interact with (dimension and the values
    /// derived from it, metrics, kinds, lists), with small, large and multi-digit seeds.
    private var sweeps: [String] {
        [
            "seeds: 0..40\n",
            "kind: noop\nseeds: [0, 9, 10, 99, 100, 12345, 9223372036854775807]\n",
            "grid:\n  dimension: [2, 3, 16, 128]\n  metric: [lda-silhouette, knn-accuracy]\nseeds: [1, 10, 1000]\n",
            "kind: sleep\nexperiment:\n  sleep_ms: 5\n  range: 500\ngrid:\n  hidden: [[8], [16, 16]]\n  input_learning_rate: [0.001, 1e-4]\nseeds: 5..7\n",
            "experiment:\n  snapshot_epochs: [0, 10]\ngrid:\n  classes: [2, 5]\n  points: [60, 500]\nseeds: [3, 4]\n",
        ]
    }

    @Test func fastIDs_equalTheCanonicalEncodingOfEveryJob() throws {
        for text in sweeps {
            let sweep = try spec(text)
            var plan = SweepPlan(sweep)
            #expect(plan.count == sweep.jobCount)
            for position in 0..<plan.count {
                let job = plan.job(at: position)
                #expect(job.id == job.parameters.jobID, "\(text) position \(position)")
                #expect(plan.jobID(at: position) == job.id)
                let encoded = plan.encodedJob(at: position)
                #expect(encoded.job == job)
                #expect(encoded.canonicalJSON == String(decoding: job.parameters.canonicalJSON, as: UTF8.self))
            }
        }
    }

    @Test func slices_equalTheWholePlanInAnyOrder() throws {
        let sweep = try spec("grid:\n  dimension: [2, 3, 4]\nseeds: 0..6\n")
        let whole = sweep.plan()
        var plan = SweepPlan(sweep)
        // Backwards and in odd slices, so the template cache is exercised across grid points.
        let slices = [15..<21, 0..<3, 3..<15, 18..<30]
        for slice in slices {
            #expect(plan.jobs(in: slice) == Array(whole[slice.clamped(to: 0..<whole.count)]))
        }
    }

    @Test func incrementalSweepID_equalsTheIDOfTheWholePlan() throws {
        let sweep = try spec("grid:\n  dimension: [2, 3]\nseeds: 0..9\n")
        var hasher = SweepIDHasher(name: sweep.name)
        var plan = SweepPlan(sweep)
        for position in 0..<plan.count { hasher.add(plan.jobID(at: position)) }
        #expect(hasher.jobsHashed == 20)
        #expect(hasher.finalize() == SweepSpec.sweepID(name: sweep.name, jobs: sweep.plan().map(\.id)))
        #expect(hasher.finalize() == sweep.id)
    }
}
