import ArgumentParser
import Foundation
import Reporting
import TrainingCore

/// `clustersweep train`: one run of the paper's experiment. Parses the options into an
/// `ExperimentConfig`, runs `ExperimentRun`, prints a one-line summary and writes the artefacts.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one network on random points with random labels and time how fast the points cluster.",
        discussion: """
            The points move by gradient descent together with the weights; the run stops when \
            --metric reaches --threshold (clustered), at --max-epochs (censored), or on a \
            non-finite loss or point (diverged). See README.md, "The experiment".
            """
    )

    @Option(help: "Features per point D. (default: 2, or the --init-state file's)")
    var dimension: Int?
    @Option(help: "Number of points N. (default: 500, or the --init-state file's)")
    var points: Int?
    @Option(help: "Number of classes; labels are uniform in 0..<classes.")
    var classes: Int = 3
    @Option(help: "Raw coordinates are uniform in [-range, range].")
    var range: Double = 1000
    @Option(help: "Seed of the PRNG (data first, then weights).")
    var seed: UInt64 = 0
    @Option(help: "Hidden layer widths, comma-separated.")
    var hidden: String = "16,16"
    @Option(help: "Hidden activation: tanh or relu.")
    var activation: String = "tanh"
    @Option(help: "Weight optimizer: adam or sgd.")
    var optimizer: String = "adam"
    @Option(help: "Step size of the weight optimizer.")
    var learningRate: Double = 3e-5
    @Option(help: "Step size of gradient descent on the points (on the summed loss).")
    var inputLearningRate: Double = 1e-3
    @Option(help: "The network sees raw points times this. (default: 1/range)")
    var inputScale: Double?
    @Option(help: "Epochs after which an unclustered run is censored.")
    var maxEpochs: Int = 15000
    @Option(help: "Compute the metrics every this many epochs (and at epoch 0).")
    var checkEvery: Int = 25
    @Option(help: "Stopping criterion: lda-silhouette, knn-accuracy, silhouette or fisher-ratio.")
    var metric: String = "lda-silhouette"
    @Option(help: "Threshold of the criterion. (default: 0.5 lda-silhouette, 0.95 knn-accuracy, 0.5 silhouette, 2 fisher-ratio)")
    var threshold: Double?
    @Flag(help: "Keep training after the criterion is reached, until --max-epochs.")
    var keepGoing = false
    @Option(help: "Epochs whose points are plotted (with --out), comma-separated; the last epoch is always added.")
    var snapshotEpochs: String = "0,500,1000"
    @Option(help: "Directory for summary.json, curve.csv and the snapshot SVGs. (default: none)")
    var out: String?
    @Flag(help: "With --out, also write animation.svg playing the snapshots in sequence.")
    var animate = false
    @Option(help: "Start from this state file's points, labels and weights instead of drawing them. (default: none)")
    var initState: String?
    @Option(help: "Write the final state (points, labels, weights) to this file. (default: none)")
    var exportState: String?

    func validate() throws {
        _ = try makeConfig(state: nil)
    }

    /// The configuration the options describe; `state` supplies N and D when not given.
    func makeConfig(state: ModelState?) throws -> ExperimentConfig {
        var config = ExperimentConfig()
        config.points = points ?? state?.points.count ?? config.points
        config.dimension = dimension ?? state?.points.first?.count ?? config.dimension
        config.classes = classes
        config.range = range
        config.seed = seed
        config.hidden = try Self.integers(hidden, option: "--hidden")
        guard let activation = Activation(rawValue: activation) else {
            throw ValidationError("--activation: unknown activation '\(activation)' (known: tanh, relu)")
        }
        config.activation = activation
        guard let optimizer = Optimizer(rawValue: optimizer) else {
            throw ValidationError("--optimizer: unknown optimizer '\(optimizer)' (known: adam, sgd)")
        }
        config.optimizer = optimizer
        config.learningRate = learningRate
        config.inputLearningRate = inputLearningRate
        config.inputScale = inputScale
        config.maxEpochs = maxEpochs
        config.checkEvery = checkEvery
        guard let metric = ClusterMetric(name: metric) else {
            let known = ClusterMetric.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--metric: unknown metric '\(metric)' (known: \(known))")
        }
        config.metric = metric
        config.threshold = threshold
        config.keepGoing = keepGoing
        config.snapshotEpochs = try Self.integers(snapshotEpochs, option: "--snapshot-epochs", allowEmpty: true)
        let problems = config.validationProblems()
        if !problems.isEmpty {
            throw ValidationError(problems.map(Self.optionText).joined(separator: "\n"))
        }
        return config
    }

    func run() throws {
        var state: ModelState?
        if let initState {
            do {
                state = try StateFile.read(from: URL(fileURLWithPath: initState))
            } catch {
                throw TrainFailure("--init-state: \(error)")
            }
        }
        let config = try makeConfig(state: state)
        var experiment: ExperimentRun
        do {
            experiment = try ExperimentRun(config: config, initialState: state)
        } catch {
            throw TrainFailure(initState.map { "--init-state \($0): \(error)" } ?? "\(error)")
        }
        // curve.csv needs every metric at every check; without --out, each is computed only
        // until it reaches its threshold (the times to cluster are the same).
        experiment.recordsFullCurve = out != nil
        let outcome = experiment.run()
        print(Self.summaryLine(outcome.summary))
        if let out {
            do {
                let files = try RunArtifactWriter(directory: URL(fileURLWithPath: out), writesAnimation: animate).write(outcome)
                print("wrote \(files.count) files to \(out)")
            } catch {
                throw TrainFailure("--out: \(error)")
            }
        }
        if let exportState {
            do {
                try StateFile.write(outcome.finalState, to: URL(fileURLWithPath: exportState))
            } catch {
                throw TrainFailure("--export-state: \(error)")
            }
        }
    }

    /// One human line: status, epochs, time-to-cluster per metric, speed.
    static func summaryLine(_ s: TrainSummary) -> String {
        let times = ClusterMetric.allCases.map { metric in
            "\(metric.key) \(s.timeToCluster(metric).map { String($0.epoch) } ?? "-")"
        }.joined(separator: ", ")
        let criterion = s.config.metric
        let value = s.final[criterion]
        return String(
            format: "%@ after %d epochs (%@ = %.3f, threshold %g); time to cluster (epoch): %@; %.2f s, %.4f ms/epoch",
            s.status.rawValue, s.epochsRun, criterion.key, value, s.config.effectiveThreshold, times,
            s.trainSeconds, s.msPerEpoch)
    }

    /// A config problem in CLI terms: `hidden[1]` -> `--hidden (layer 2)`.
    static func optionText(_ problem: ConfigProblem) -> String {
        var field = problem.field
        var suffix = ""
        if let bracket = field.firstIndex(of: "["), let index = Int(field[field.index(after: bracket)...].dropLast()) {
            suffix = " (item \(index + 1))"
            field = String(field[..<bracket])
        }
        return "--" + field.replacingOccurrences(of: "_", with: "-") + suffix + ": " + problem.reason
    }

    /// Parses `16,16` into integers; names `option` when an element is not an integer.
    static func integers(_ text: String, option: String, allowEmpty: Bool = false) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if allowEmpty && parts == [""] { return [] }
        return try parts.enumerated().map { index, part in
            guard let value = Int(part) else {
                throw ValidationError("\(option): item \(index + 1) '\(part)' is not an integer (expected e.g. 16,16)")
            }
            return value
        }
    }
}

/// A failure after parsing (unreadable state file, unwritable directory), printed as `Error: ...`
/// with a non-zero exit status.
struct TrainFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
