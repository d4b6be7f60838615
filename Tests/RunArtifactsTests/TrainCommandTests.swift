import Foundation
import Testing
import TrainingCore

/// `clustersweep train` as a user meets it: the built debug binary run as a real process.
@Suite(.serialized) struct TrainCommandTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = packageRoot.appendingPathComponent(".build/debug/clustersweep")

    /// Runs the binary (with `environment` added to this process's); returns exit status and
    /// combined output.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static let tiny = ["train", "--points", "24", "--hidden", "4", "--max-epochs", "10", "--check-every", "5"]

    @Test(arguments: [
        (["--activation", "sigmoid"], "--activation"),
        (["--hidden", "16,0"], "--hidden (item 2)"),
        (["--hidden", "16,x"], "--hidden"),
        (["--classes", "30"], "--classes"),
        (["--metric", "purity"], "--metric"),
        (["--init-state", "/nonexistent/state.json"], "--init-state"),
    ])
    func badInput_exitsNonZero_namingTheOption(extra: [String], option: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build first: swift build")
        let (status, output) = try Self.run(Self.tiny + extra)
        #expect(status != 0)
        #expect(output.contains(option), "\(output)")
    }

    @Test func misShapedStateFile_exitsNonZero_namingTheJSONPath() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let state = directory.appendingPathComponent("state.json").path
        let exported = try Self.run(Self.tiny + ["--export-state", state])
        #expect(exported.status == 0, "\(exported.output)")
        // The exported state starts an identical run.
        let resumed = try Self.run(Self.tiny + ["--init-state", state, "--max-epochs", "0"])
        #expect(resumed.status == 0, "\(resumed.output)")
        // Three hidden units instead of four: layers[0].weights[0] no longer fits.
        let wrong = try Self.run(Self.tiny + ["--init-state", state, "--hidden", "3"])
        #expect(wrong.status != 0)
        #expect(wrong.output.contains("layers[0].weights[0]"), "\(wrong.output)")
    }

    @Test func out_writesTheRunsFiles() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("train-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (status, output) = try Self.run(Self.tiny + ["--snapshot-epochs", "0,5", "--animate", "--out", directory.path])
        #expect(status == 0, "\(output)")
        #expect(output.contains("after 10 epochs"))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files == ["animation.svg", "curve.csv", "snapshot-epoch-00000.svg", "snapshot-epoch-00005.svg", "snapshot-epoch-00010.svg", "summary.json"])
    }

    /// Every option of `ExperimentConfig.options` is a flag of `train --help` with its declared
    /// help, and a value other than the default travels from the command line into the run's
    /// summary.json: the declaration, not this test, lists the options.
    @Test(arguments: ExperimentConfig.options.map(\.key))
    func everyExperimentOption_isAFlagWhoseValueReachesTheRun(key: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path))
        let option = try #require(ExperimentConfig.option(key))
        let words = { (text: String) in text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let help = try Self.run(["train", "--help"])
        #expect(help.status == 0)
        #expect(words(help.output).contains("\(option.flag) "), "train --help lacks \(option.flag)")
        #expect(words(help.output).contains(words(option.help)), "train --help lacks the help of \(option.flag): \(option.help)")

        // The tiny run, with this option set to another valid value.
        var config = ExperimentConfig()
        var given = ["points": "24", "hidden": "4", "max_epochs": "10", "check_every": "5"]
        for (name, text) in given {
            let base = try #require(ExperimentConfig.option(name))
            base.set(try base.parse(argument: text).get(), in: &config)
        }
        let value = try #require(option.alternative(in: config), "no valid alternative value for \(key)")
        given[key] = value.argumentText
        var arguments = ["train"]
        for other in ExperimentConfig.options {
            guard let text = given[other.key] else { continue }
            arguments += other.kind == .boolean ? (text == "true" ? [other.flag] : []) : [other.flag, text]
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("train-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (status, output) = try Self.run(arguments + ["--out", directory.path])
        try #require(status == 0, "\(arguments): \(output)")
        let summary = try Data(contentsOf: directory.appendingPathComponent("summary.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: summary) as? [String: Any])
        let stored = try JSONSerialization.data(withJSONObject: try #require(object["config"]))
        let ran = try JSONDecoder().decode(ExperimentConfig.self, from: stored)
        #expect(option.value(in: ran) == value, "\(arguments)")
    }
}

/// `train --out` never mixes two runs in one directory.
@Suite(.serialized) struct TrainOutputDirectoryTests {
    @Test func usedDirectory_isRefused_andForceReplacesOnlyClusterSweepFiles() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TrainCommandTests.binary.path), "build first: swift build")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("train-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try TrainCommandTests.run(TrainCommandTests.tiny + ["--dimension", "3", "--snapshot-epochs", "0,5", "--out", directory.path])
        #expect(first.status == 0, "\(first.output)")
        let notes = directory.appendingPathComponent("notes.txt")
        try "mine".write(to: notes, atomically: true, encoding: .utf8)

        let refused = try TrainCommandTests.run(TrainCommandTests.tiny + ["--dimension", "2", "--out", directory.path])
        #expect(refused.status != 0)
        #expect(refused.output.contains("already holds another run's files"), "\(refused.output)")
        let kept = try String(contentsOf: directory.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(kept.contains("\"dimension\" : 3"), "the refused run changed summary.json")

        let forced = try TrainCommandTests.run(TrainCommandTests.tiny + ["--dimension", "2", "--out", directory.path, "--force"])
        #expect(forced.status == 0, "\(forced.output)")
        let summary = try String(contentsOf: directory.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(summary.contains("\"dimension\" : 2"))
        // The D = 3 run's snapshot at epoch 5 is gone; the user's own file stays.
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("snapshot-epoch-00005.svg").path))
        #expect(try String(contentsOf: notes, encoding: .utf8) == "mine")
    }

    @Test(arguments: ["--animate", "--force"])
    func runFileFlags_withoutOut_areUsageErrors(flag: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: TrainCommandTests.binary.path), "build first: swift build")
        let result = try TrainCommandTests.run(TrainCommandTests.tiny + [flag])
        #expect(result.status == 64, "\(result.output)")
        #expect(result.output.contains("\(flag) needs --out DIR"), "\(result.output)")
    }
}
