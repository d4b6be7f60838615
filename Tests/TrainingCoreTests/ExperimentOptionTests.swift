import Foundation
import Testing
@testable import TrainingCore

/// The option declaration (`ExperimentConfig.options`) and what is derived from it in
/// TrainingCore: keys, encoding, decoding, validation and resolution.
@Suite struct ExperimentOptionTests {
    /// The options of the first release, always encoded. Every option added later must be
    /// `omittedAtDefault`, or the job id of every existing job would change.
    static let firstReleaseKeys: Set<String> = [
        "points", "dimension", "classes", "range", "seed", "hidden", "activation", "optimizer", "learning_rate",
        "input_learning_rate", "input_scale", "max_epochs", "check_every", "metric", "threshold", "keep_going",
        "snapshot_epochs",
    ]

    @Test func options_haveUniqueSnakeCaseKeysAndKebabCaseFlags() {
        let keys = ExperimentConfig.options.map(\.key)
        #expect(Set(keys).count == keys.count, "duplicate keys in \(keys)")
        for option in ExperimentConfig.options {
            #expect(option.key.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" } && option.key.first?.isLetter == true, "\(option.key)")
            #expect(option.flag == "--" + option.key.replacingOccurrences(of: "_", with: "-"))
            #expect(!option.help.isEmpty && !option.meaning.isEmpty && !option.defaultText.isEmpty, "\(option.key) lacks help or docs")
            #expect(ExperimentConfig.option(option.key)?.key == option.key)
        }
    }

    @Test func newOptions_areLeftOutOfJobIDsAtTheirDefault() {
        let alwaysEncoded = Set(ExperimentConfig.options.filter { !$0.omittedAtDefault }.map(\.key))
        #expect(alwaysEncoded == Self.firstReleaseKeys, "an option added after the first release must be declared omittedAtDefault: true")
    }

    @Test func encoding_writesTheDeclaredKeysOfAResolvedConfig() throws {
        func keys(_ config: ExperimentConfig, everyOption: Bool = false) throws -> Set<String> {
            let encoder = JSONEncoder()
            if everyOption { encoder.userInfo[.experimentEveryOption] = true }
            let object = try JSONSerialization.jsonObject(with: encoder.encode(config)) as? [String: Any]
            return Set(try #require(object).keys)
        }
        let options = ExperimentConfig.options
        #expect(try keys(ExperimentConfig().resolved(), everyOption: true) == Set(options.map(\.key)))
        #expect(try keys(ExperimentConfig().resolved()) == Set(options.filter { !$0.omittedAtDefault }.map(\.key)))
        // Unset derived defaults are left out, as before.
        #expect(try keys(ExperimentConfig()) == Set(options.filter { !$0.omittedAtDefault && $0.defaultValue != nil }.map(\.key)))
    }

    @Test(arguments: ExperimentConfig.options.map(\.key))
    func everyOption_travelsThroughJSON(key: String) throws {
        let option = try #require(ExperimentConfig.option(key))
        let value = try #require(option.alternative(in: ExperimentConfig()), "no valid alternative value for \(key)")
        var config = ExperimentConfig()
        #expect(option.set(value, in: &config))
        #expect(config.validationProblems().isEmpty)
        let decoded = try JSONDecoder().decode(ExperimentConfig.self, from: JSONEncoder().encode(config))
        #expect(option.value(in: decoded) == value)
        #expect(decoded == config)
        // Only this option differs from the defaults.
        for other in ExperimentConfig.options where other.key != key {
            #expect(other.value(in: decoded) == other.value(in: ExperimentConfig()), "\(other.key)")
        }
    }

    @Test func optionOmittedAtDefault_isEncodedOnlyWhenSetOrAskedFor() throws {
        let option = ExperimentOption.stored("keep_going_copy", \.keepGoing, help: "h", meaning: "m", omittedAtDefault: true)
        func json(_ config: ExperimentConfig, everyOption: Bool = false) throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            if everyOption { encoder.userInfo[.experimentEveryOption] = true }
            return String(decoding: try encoder.encode(OneOption(option: option, config: config)), as: UTF8.self)
        }
        var config = ExperimentConfig()
        #expect(try json(config) == "{}")
        #expect(try json(config, everyOption: true) == #"{"keep_going_copy":false}"#)
        config.keepGoing = true
        #expect(try json(config) == #"{"keep_going_copy":true}"#)

        let derived = ExperimentOption.derived(
            "scale_copy", \.inputScale, derivedDefault: DerivedDefault(text: "t", argument: "a") { 1 / $0.range },
            help: "h", meaning: "m", omittedAtDefault: true)
        #expect(try jsonOf(ExperimentConfig().resolved(), option: derived) == "{}")
        config.inputScale = 0.5
        #expect(try jsonOf(config, option: derived) == #"{"scale_copy":0.5}"#)
    }

    @Test func validation_comesFromEachOptionsRule_inDeclarationOrder() throws {
        var config = ExperimentConfig()
        config.snapshotEpochs = [0, -1]
        config.points = 0
        config.threshold = .infinity
        #expect(config.validationProblems().map(\.description) == [
            "points: must be between 1 and 1000000 (got 0)",
            "classes: must not exceed points (3 > 0)",
            "threshold: must be a finite number (got inf)",
            "snapshot_epochs[1]: must be >= 0 (got -1)",
        ])
        let hidden = try #require(ExperimentConfig.option("hidden"))
        #expect(hidden.accepted == "non-empty, each 1...65,536")
        #expect(try #require(ExperimentConfig.option("points")).accepted == "1...1,000,000")
    }

    @Test func parseArgument_readsEachKindAndExplainsFailures() throws {
        let hidden = try #require(ExperimentConfig.option("hidden"))
        #expect(try hidden.parse(argument: "16, 32").get() == .integers([16, 32]))
        #expect(throws: ConfigProblem(field: "hidden", reason: "item 2 'x' is not an integer (expected e.g. 16,16)")) {
            try hidden.parse(argument: "16,x").get()
        }
        let metric = try #require(ExperimentConfig.option("metric"))
        #expect(try metric.parse(argument: "knn_accuracy").get() == .word("knn-accuracy"))
        #expect(throws: ConfigProblem(field: "metric", reason: "unknown metric 'purity' (known: lda-silhouette, knn-accuracy, silhouette, fisher-ratio)")) {
            try metric.parse(argument: "purity").get()
        }
        #expect(try #require(ExperimentConfig.option("snapshot_epochs")).parse(argument: "").get() == .integers([]))
        #expect(throws: ConfigProblem(field: "seed", reason: "'-1' is not an integer >= 0")) {
            try #require(ExperimentConfig.option("seed")).parse(argument: "-1").get()
        }
        #expect(throws: ConfigProblem(field: "range", reason: "'wide' is not a number")) {
            try #require(ExperimentConfig.option("range")).parse(argument: "wide").get()
        }
    }
}

extension ExperimentOptionTests {
    /// `option` alone, encoded as `ExperimentConfig` encodes each of its options.
    private struct OneOption: Encodable {
        let option: ExperimentOption
        let config: ExperimentConfig

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: OptionCodingKey.self)
            try option.encode(config, into: &container, everyOption: encoder.userInfo[.experimentEveryOption] as? Bool ?? false)
        }
    }

    private func jsonOf(_ config: ExperimentConfig, option: ExperimentOption) throws -> String {
        String(decoding: try JSONEncoder().encode(OneOption(option: option, config: config)), as: UTF8.self)
    }
}
