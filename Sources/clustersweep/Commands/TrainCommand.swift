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

    // MARK: - Experiment options
    //
    // One line per option of `ExperimentConfig.options`, whose declaration gives the flag's help
    // and default; `makeConfig` parses every value through it. The flag is the property's name
    // in kebab-case, and `experimentArguments` lists each by its key. TrainCommandTests checks
    // every declared option against `train --help` and a run.

    @Option(help: .experiment("dimension", defaultNote: ", or the --init-state file's"))
    var dimension: String?
    @Option(help: .experiment("points", defaultNote: ", or the --init-state file's"))
    var points: String?
    @Option(help: .experiment("classes")) var classes: String?
    @Option(help: .experiment("range")) var range: String?
    @Option(help: .experiment("seed")) var seed: String?
    @Option(help: .experiment("hidden")) var hidden: String?
    @Option(help: .experiment("activation")) var activation: String?
    @Option(help: .experiment("optimizer")) var optimizer: String?
    @Option(help: .experiment("learning_rate")) var learningRate: String?
    @Option(help: .experiment("input_learning_rate")) var inputLearningRate: String?
    @Option(help: .experiment("input_scale")) var inputScale: String?
    @Option(help: .experiment("max_epochs")) var maxEpochs: String?
    @Option(help: .experiment("check_every")) var checkEvery: String?
    @Option(help: .experiment("metric")) var metric: String?
    @Option(help: .experiment("threshold")) var threshold: String?
    @Flag(help: .experiment("keep_going")) var keepGoing = false
    @Option(help: .experiment("snapshot_epochs")) var snapshotEpochs: String?

    /// The experiment options given on the command line, by key (a flag given is `true`).
    var experimentArguments: [String: String] {
        let given: [String: String?] = [
            "dimension": dimension, "points": points, "classes": classes, "range": range, "seed": seed,
            "hidden": hidden, "activation": activation, "optimizer": optimizer, "learning_rate": learningRate,
            "input_learning_rate": inputLearningRate, "input_scale": inputScale, "max_epochs": maxEpochs,
            "check_every": checkEvery, "metric": metric, "threshold": threshold,
            "keep_going": keepGoing ? "true" : nil, "snapshot_epochs": snapshotEpochs,
        ]
        return given.compactMapValues { $0 }
    }

    // MARK: - Run options

    @Option(help: "Directory for summary.json, curve.csv and the snapshot SVGs. (default: none)")
    var out: String?
    @Flag(help: "With --out, also write animation.svg playing the snapshots in sequence.")
    var animate = false
    @Flag(help: "With --out, replace another run's files in that directory (only ClusterSweep's own files).")
    var force = false
    @Option(help: "Start from this state file's points, labels and weights instead of drawing them. (default: none)")
    var initState: String?
    @Option(help: "Write the final state (points, labels, weights) to this file. (default: none)")
    var exportState: String?
    @OptionGroup var kernels: KernelOptions

    func validate() throws {
        if out == nil && (animate || force) {
            throw ValidationError("\(animate ? "--animate" : "--force") needs --out DIR (the directory the run's files go to)")
        }
        _ = try makeConfig(state: nil)
    }

    /// The configuration the options describe; `state` supplies N and D when not given.
    func makeConfig(state: ModelState?) throws -> ExperimentConfig {
        var config = ExperimentConfig()
        if let state {
            config.points = state.points.count
            config.dimension = state.points.first?.count ?? config.dimension
        }
        let arguments = experimentArguments
        for option in ExperimentConfig.options {
            guard let text = arguments[option.key] else { continue }
            switch option.parse(argument: text) {
            case .success(let value):
                option.set(value, in: &config)
            case .failure where option.kind.isScalarNumber:
                // The words swift-argument-parser uses for a value its type cannot read.
                throw ValidationError("The value '\(text)' is invalid for '\(option.flag) <\(option.flag.dropFirst(2))>'")
            case .failure(let problem):
                throw ValidationError(Self.optionText(problem))
            }
        }
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
        let writer = out.map { RunArtifactWriter(directory: URL(fileURLWithPath: $0), writesAnimation: animate) }
        do {
            try writer?.prepare(force: force)
        } catch {
            throw TrainFailure("--out: \(error)")
        }
        var experiment: ExperimentRun
        do {
            experiment = try ExperimentRun(config: config, initialState: state)
        } catch {
            throw TrainFailure(initState.map { "--init-state \($0): \(error)" } ?? "\(error)")
        }
        experiment.kernelFamily = kernels.family
        // curve.csv needs every metric at every check; without --out, each is computed only
        // until it reaches its threshold (the times to cluster are the same).
        experiment.recordsFullCurve = out != nil
        let outcome = experiment.run()
        print(Self.summaryLine(outcome.summary))
        if let out, let writer {
            do {
                let files = try writer.write(outcome)
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
}

/// A failure after parsing (unreadable state file, unwritable directory), printed as `Error: ...`
/// with a non-zero exit status.
struct TrainFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension ArgumentHelp {
    /// The help of the experiment option `key`, from its declaration in `ExperimentConfig.options`,
    /// with its default (`defaultNote` is appended to it); flags show no default.
    static func experiment(_ key: String, defaultNote: String = "") -> ArgumentHelp {
        guard let option = ExperimentConfig.option(key) else {
            return ArgumentHelp("(no experiment option is declared as '\(key)')")
        }
        if option.kind == .boolean { return ArgumentHelp(option.help) }
        return ArgumentHelp("\(option.help) (default: \(option.defaultArgument)\(defaultNote))")
    }
}
