// MARK: - Encoding derived from the option declaration
//
// The keys are the options' snake_case keys, written in the order of `ExperimentConfig.options`;
// an unset derived option (`input_scale: nil`) is left out, and so is an option declared
// `omittedAtDefault` while at its default. Decoding takes the default for every absent key, so a
// partial file is a valid config. This encoding, with sorted keys, is what job ids hash.

extension CodingUserInfoKey {
    /// Set to `true` in an encoder's `userInfo` to write every option of an `ExperimentConfig`,
    /// also those left out at their default (reports show every parameter).
    public static let experimentEveryOption: CodingUserInfoKey = {
        guard let key = CodingUserInfoKey(rawValue: "clustersweep.experiment.everyOption") else {
            preconditionFailure("a non-empty raw value always makes a CodingUserInfoKey")
        }
        return key
    }()
}

extension ExperimentConfig {
    /// The options' coders alone. Walking these copies one closure per option, where walking
    /// `options` copies each option whole (its strings and seven closures, retained and released):
    /// that copying cost as much as the coding itself on the dispatch hot path, where the
    /// coordinator encodes every assignment and a worker decodes it.
    private static let optionEncoders = options.map(\.encodeValue)
    private static let optionDecoders = options.map(\.decodeValue)

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: OptionCodingKey.self)
        let everyOption = encoder.userInfo[.experimentEveryOption] as? Bool ?? false
        for encode in Self.optionEncoders {
            try encode(self, &container, everyOption)
        }
    }

    /// Decodes with every absent key taking its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: OptionCodingKey.self)
        self.init()
        for decode in Self.optionDecoders {
            try decode(container, &self)
        }
    }
}

/// An option of `ExperimentConfig`.
public typealias ExperimentOption = ParameterOption<ExperimentConfig>
