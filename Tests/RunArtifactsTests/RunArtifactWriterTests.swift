import Charts
import Foundation
import Reporting
import Testing
import TrainingCore

/// The files of a `train --out` run, written for a tiny real run into a fresh directory.
@Suite struct RunArtifactWriterTests {
    static func tinyOutcome(dimension: Int = 2) throws -> ExperimentOutcome {
        var config = ExperimentConfig()
        config.points = 30
        config.dimension = dimension
        config.hidden = [4]
        config.maxEpochs = 10
        config.checkEvery = 5
        config.snapshotEpochs = [0, 5]
        var run = try ExperimentRun(config: config)
        return run.run()
    }

    static func freshDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("runartifacts-\(UUID().uuidString)")
    }

    @Test(arguments: [2, 3, 5])
    func write_producesSummaryCurveAndOneSVGPerSnapshot(dimension: Int) throws {
        let directory = Self.freshDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try Self.tinyOutcome(dimension: dimension)
        let files = try RunArtifactWriter(directory: directory, writesAnimation: true).write(outcome)
        #expect(files.map(\.lastPathComponent) == [
            "summary.json", "curve.csv", "snapshot-epoch-00000.svg", "snapshot-epoch-00005.svg",
            "snapshot-epoch-00010.svg", "animation.svg",
        ])
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("summary.json"))) as? [String: Any]
        #expect(Set(summary?.keys.map { $0 } ?? []) == [
            "version", "config", "status", "epochs_run", "time_to_cluster", "final", "train_seconds", "ms_per_epoch",
            "kernel_family",
        ])
        let ttc = summary?["time_to_cluster"] as? [String: Any]
        #expect(Set(ttc?.keys.map { $0 } ?? []) == ["lda_silhouette", "knn_accuracy", "silhouette", "fisher_ratio"])
        let csv = try String(contentsOf: directory.appendingPathComponent("curve.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.first == "epoch,loss,lda_silhouette,knn_accuracy,silhouette,fisher_ratio")
        #expect(lines.count == 1 + 3)
        let svg = try String(contentsOf: directory.appendingPathComponent("snapshot-epoch-00005.svg"), encoding: .utf8)
        #expect(svg.contains("epoch 5"))
        #expect(svg.contains("class 2"))
        #expect(svg.components(separatedBy: "<circle").count - 1 == 30 + 3)  // points + legend
        let animation = try String(contentsOf: directory.appendingPathComponent("animation.svg"), encoding: .utf8)
        #expect(animation.components(separatedBy: "<animate ").count - 1 == 3)
    }

    @Test func summaryJSON_writesNullForADivergedRunsNonFiniteValues() throws {
        var summary = try Self.tinyOutcome().summary
        summary.status = .diverged
        summary.final = MetricValues(loss: .nan, ldaSilhouette: .infinity, knnAccuracy: 0.5, silhouette: .nan, fisherRatio: .nan)
        let text = String(decoding: try RunArtifactWriter.summaryJSON(summary), as: UTF8.self)
        #expect(text.contains(#""loss" : null"#))
        #expect(text.contains(#""knn_accuracy" : 0.5"#))
        #expect(!text.contains(#"\/"#))
    }

    @Test func scatterAnimation_showsEachFrameForItsShareOfTheCycle() {
        let frame = ScatterPlot(title: "t", points: [ScatterPlot.Point(x: 0, y: 0, group: 0)])
        let svg = ScatterAnimation(frames: [frame, frame, frame], secondsPerFrame: 1).render()
        #expect(svg.contains(#"values="1;0" keyTimes="0;0.3333333333333333""#))
        #expect(svg.contains(#"values="0;1;0" keyTimes="0;0.3333333333333333;0.6666666666666666""#))
        #expect(svg.contains(#"values="0;1" keyTimes="0;0.6666666666666666""#))
        #expect(svg.contains(#"dur="3s""#))
    }
}

/// State files on disk: round trip and errors naming the JSON path.
@Suite struct StateFileTests {
    @Test func writeThenRead_returnsTheSameState() throws {
        let url = RunArtifactWriterTests.freshDirectory().appendingPathExtension("json")
        defer { try? FileManager.default.removeItem(at: url) }
        let state = try RunArtifactWriterTests.tinyOutcome().finalState
        try StateFile.write(state, to: url)
        #expect(try StateFile.read(from: url) == state)
    }

    @Test(arguments: [
        (#"{"version":1,"epoch":0,"points":[[1,"a"]],"labels":[0],"layers":[]}"#, "points[0][1]"),
        (#"{"version":1,"epoch":0,"points":[],"labels":[0],"layers":[{"weights":[[1]]}]}"#, "layers[0].bias"),
        (#"{"version":1,"epoch":0,"points":[],"labels":{},"layers":[]}"#, "labels"),
        (#"{"version":1,"epoch":0,"points":[[1,2]],"#, ""),
    ])
    func decode_namesTheJSONPathOfTheProblem(json: String, path: String) {
        do {
            _ = try StateFile.decode(Data(json.utf8), file: "s.json")
            Issue.record("accepted malformed state")
        } catch {
            guard case .malformedState(let file, let got, _) = error else { Issue.record("\(error)"); return }
            #expect(file == "s.json")
            #expect(got == path)
        }
    }

    @Test func read_reportsAMissingFile() {
        #expect(throws: RunArtifactError.self) { try StateFile.read(from: URL(fileURLWithPath: "/nonexistent/state.json")) }
    }
}
