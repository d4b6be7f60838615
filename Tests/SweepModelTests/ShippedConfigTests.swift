import Foundation
import Testing
@testable import SweepModel
import TrainingCore

/// The shipped sweep files in `configs/`, located from this file's path.
enum ShippedConfigs {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("configs")

    /// `(configs/NAME, text)` for every `.yaml`, `.yml` and `.json` file, sorted by name.
    static func all() throws -> [(name: String, text: String)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }
            .sorted()
        return try names.map { name in
            ("configs/\(name)", try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
        }
    }
}

@Suite struct ShippedConfigTests {
    @Test func everyShippedConfig_decodesValidatesAndPlans() throws {
        let configs = try ShippedConfigs.all()
        #expect(configs.count >= 6)
        for (name, _) in configs {
            let spec = try SweepFile.load(path: ShippedConfigs.directory.deletingLastPathComponent().path + "/" + name)
            let jobs = spec.plan()
            #expect(jobs.count == spec.jobCount, "\(name)")
            #expect(Set(jobs.map(\.id)).count == jobs.count, "\(name): every job is distinct")
        }
    }

    @Test func shippedConfigs_haveTheAdvertisedShapes() throws {
        func load(_ name: String) throws -> SweepSpec {
            try SweepFile.load(path: ShippedConfigs.directory.appendingPathComponent(name).path)
        }
        let paper = try load("paper.yaml")
        #expect(Set(paper.plan().map(\.parameters.experiment.dimension)) == [2, 3])
        #expect(paper.seeds.count == 10)
        let dimensions = try load("dimensions.yaml")
        #expect(dimensions.grid.first { $0.key.rawValue == "dimension" }?.values == [2, 4, 8, 16, 32].map { ExperimentSetting("dimension", $0) })
        #expect(dimensions.grid.first { $0.key.rawValue == "input_learning_rate" }?.values.count == 2)
        #expect(dimensions.seeds.count >= 5)
        let smoke = try load("smoke.yaml")
        #expect(smoke.jobCount == 4)
        #expect(smoke.plan().allSatisfy { $0.parameters.experiment.points <= 60 && $0.parameters.experiment.maxEpochs <= 200 })
        #expect(try load("noop.yaml").kind == .noop)
        #expect(try load("sleep.yaml").plan().first?.parameters.sleepMs == 200)
        #expect(try load("learning-rates.yaml").jobCount == 90)
    }

    @Test func jsonVariant_isTheSameSweepAsItsYAML() throws {
        let yaml = try SweepFile.load(path: ShippedConfigs.directory.appendingPathComponent("smoke.yaml").path)
        let json = try SweepFile.load(path: ShippedConfigs.directory.appendingPathComponent("smoke.json").path)
        #expect(yaml == json)
        #expect(yaml.id == json.id)
    }
}
