/// The points, labels and weights of a run at one epoch: what `--init-state` reads and
/// `--export-state` writes, so a run can be resumed, inspected or checked elsewhere.
///
/// JSON format (version 1):
/// `{"version": 1, "epoch": E, "points": [[x_1..x_D] x N] (raw units), "labels": [N ints],
///   "layers": [{"weights": [[fan_out floats] x fan_in], "bias": [fan_out floats]}]}`.
/// Weights are stored `fan_in x fan_out` (`y = x W + b`). Points are raw units (the network sees
/// `points * input_scale`) written as doubles so that export then import reproduces the float32
/// model-space points exactly. A non-finite number (only in a diverged run) is written as `null`;
/// such a file is rejected on import.
public struct ModelState: Codable, Sendable, Equatable {
    /// Format version; this code reads and writes 1.
    public static let currentVersion = 1

    public var version: Int
    /// Epochs trained when the state was taken.
    public var epoch: Int
    /// N rows of D raw coordinates.
    public var points: [[Double]]
    /// The class of each point, in `0..<classes`.
    public var labels: [Int]
    /// One entry per dense layer, input side first.
    public var layers: [LayerState]

    public init(version: Int = ModelState.currentVersion, epoch: Int, points: [[Double]], labels: [Int], layers: [LayerState]) {
        self.version = version
        self.epoch = epoch
        self.points = points
        self.labels = labels
        self.layers = layers
    }

    enum CodingKeys: String, CodingKey {
        case version, epoch, points, labels, layers
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(Int.self, forKey: .version)
        guard version == ModelState.currentVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .version, in: c,
                debugDescription: "unsupported state version \(version) (this build reads \(ModelState.currentVersion))")
        }
        epoch = try c.decode(Int.self, forKey: .epoch)
        points = try c.decode([[Double]].self, forKey: .points)
        labels = try c.decode([Int].self, forKey: .labels)
        layers = try c.decode([LayerState].self, forKey: .layers)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(epoch, forKey: .epoch)
        var rows = c.nestedUnkeyedContainer(forKey: .points)
        for row in points { try rows.encode(row.map(FiniteOrNull.init)) }
        try c.encode(labels, forKey: .labels)
        try c.encode(layers, forKey: .layers)
    }
}

/// The weights (`fan_in x fan_out`) and bias (`fan_out`) of one dense layer.
public struct LayerState: Codable, Sendable, Equatable {
    public var weights: [[Float]]
    public var bias: [Float]

    public init(weights: [[Float]], bias: [Float]) {
        self.weights = weights
        self.bias = bias
    }

    enum CodingKeys: String, CodingKey { case weights, bias }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        weights = try c.decode([[Float]].self, forKey: .weights)
        bias = try c.decode([Float].self, forKey: .bias)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        var rows = c.nestedUnkeyedContainer(forKey: .weights)
        for row in weights { try rows.encode(row.map(FiniteOrNull.init)) }
        try c.encode(bias.map(FiniteOrNull.init), forKey: .bias)
    }
}

/// A number that encodes as itself when finite and as `null` otherwise (JSON has no NaN or inf).
///
/// The encoder writes the shortest decimal that reads back as the same value, so a float32 weight
/// or a double coordinate round-trips bit for bit.
struct FiniteOrNull<Value: BinaryFloatingPoint & Encodable>: Encodable {
    let value: Value
    init(_ value: Value) { self.value = value }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if value.isFinite { try c.encode(value) } else { try c.encodeNil() }
    }
}
