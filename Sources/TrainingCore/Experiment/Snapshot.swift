/// The points at one epoch, in raw units, kept for the scatter plots and the animation.
public struct Snapshot: Sendable, Equatable {
    public var epoch: Int
    /// `N x dimension` row-major, raw units (model-space points divided by `input_scale`).
    public var points: [Float]
    /// The class of each point.
    public var labels: [Int]
    public var dimension: Int

    public init(epoch: Int, points: [Float], labels: [Int], dimension: Int) {
        self.epoch = epoch
        self.points = points
        self.labels = labels
        self.dimension = dimension
    }

    /// Number of points.
    public var count: Int { dimension > 0 ? points.count / dimension : 0 }
}
