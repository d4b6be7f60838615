import Foundation
import Testing
import TrainingCore
@testable import SweepModel

/// Every sweep-file key walks from its declaration through a file, both under `experiment:` and
/// `grid:`, into a job's parameters and its canonical encoding; misspellings and wrong types get
/// their "did you mean" and `file:line:col` messages.
@Suite struct ExperimentKeyTests {
    private func parse(_ body: String) throws(SweepFileError) -> SweepSpec {
        try SweepFile.parse(text: "version: 1\nname: keys\nkind: sleep\n" + body, sourceName: "keys.yaml")
    }

    @Test func keys_areTheDeclaredSweepKeysThenTheJobSwitches() {
        let expected = ExperimentConfig.options.filter(\.isSweepKey).map(\.key) + JobParameters.switches.map(\.key)
        #expect(ExperimentKey.allCases.map(\.rawValue) == expected)
        #expect(ExperimentKey(rawValue: "seed") == nil)
        #expect(ExperimentKey.allCases == ExperimentKey.allCases.sorted())
    }

    @Test(arguments: ExperimentKey.allCases.map(\.rawValue))
    func everyKey_roundTripsThroughAFile(name: String) throws {
        let key = try #require(ExperimentKey(rawValue: name))
        let value = try #require(key.option.alternative(in: JobParameters.defaults), "no valid alternative value for \(name)")
        // Under experiment:
        let experiment = try parse("experiment:\n  \(name): \(value.fileText)\n")
        #expect(experiment.experiment == [ExperimentSetting(key, value)])
        let job = try #require(experiment.plan().first)
        #expect(key.option.value(in: job.parameters) == value)
        // Under grid:, as the second value of the axis.
        let defaultText = key.option.value(in: JobParameters(kind: .sleep, experiment: ExperimentConfig().resolved()))?.fileText ?? ""
        let grid = try parse("grid:\n  \(name): [\(defaultText), \(value.fileText)]\n")
        #expect(grid.plan().map { key.option.value(in: $0.parameters) }.last == value)
        #expect(grid.plan().count == 2)
        // The canonical encoding (what the job id hashes) carries the value under its key.
        let json = try #require(try JSONSerialization.jsonObject(with: job.parameters.canonicalJSON) as? [String: Any])
        let experimentJSON = try #require(json["experiment"] as? [String: Any])
        #expect(experimentJSON[name] != nil || json[name] != nil, "\(name) is not in \(json)")
    }

    @Test(arguments: ExperimentKey.allCases.map(\.rawValue))
    func everyKey_misspelt_getsADidYouMean(name: String) throws {
        let misspelt = String(name.dropLast())
        #expect(throws: SweepFileError.self) { try parse("experiment:\n  \(misspelt): 1\n") }
        do {
            _ = try parse("experiment:\n  \(misspelt): 1\n")
        } catch {
            #expect(error.description.contains("keys.yaml:5:3: experiment.\(misspelt): unknown key '\(misspelt)'; did you mean '\(name)'?"), "\(error)")
        }
    }

    @Test(arguments: ExperimentKey.allCases.map(\.rawValue))
    func everyKey_givenAMapping_isRefusedAtItsPosition(name: String) throws {
        do {
            _ = try parse("experiment:\n  \(name): {a: 1}\n")
            Issue.record("a mapping was accepted for \(name)")
        } catch {
            let problem = try #require(error.problems.first)
            #expect(problem.line == 5 && problem.column == 5 + name.count && problem.keyPath == "experiment.\(name)", "\(error)")
            #expect(problem.reason.hasPrefix("must be"), "\(problem.reason)")
        }
    }

    @Test func settingsBuiltInCode_checkTheirValueType() throws {
        #expect(ExperimentSetting("dimension", 3) != nil)
        #expect(ExperimentSetting("dimension", 3.5) == nil)
        #expect(ExperimentSetting("seed", 3) == nil)
        let metric = try #require(ExperimentKey(rawValue: "metric"))
        #expect(ExperimentSetting(metric, .word("knn_accuracy"))?.value == .word("knn-accuracy"))
        #expect(ExperimentSetting(metric, .word("purity")) == nil)
    }
}
