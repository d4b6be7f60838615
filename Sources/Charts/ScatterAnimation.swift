/// Several scatter frames played in sequence, looping, in one SVG: each frame is a group whose
/// opacity a SMIL `<animate>` switches on for its share of the cycle (the paper's figures as one
/// moving picture). Viewers without SMIL show the first frame.
public struct ScatterAnimation: Sendable {
    /// The frames in playing order; they share the first frame's legend, labels and size.
    public var frames: [ScatterPlot]
    /// Seconds each frame stays on screen.
    public var secondsPerFrame: Double

    public init(frames: [ScatterPlot], secondsPerFrame: Double = 1.2) {
        self.frames = frames
        self.secondsPerFrame = secondsPerFrame
    }

    /// The complete SVG document; every frame is drawn over one common domain.
    public func render() -> String {
        guard var first = frames.first else { return SVGDocument(width: 100, height: 100).render() }
        let domain = first.domain ?? ScatterPlot.fittedDomain(frames.flatMap(\.points))
        first.domain = domain
        var document = SVGDocument(width: first.width, height: first.height)
        first.drawFrame(into: &document)
        let count = frames.count
        let total = secondsPerFrame * Double(count)
        for (index, frame) in frames.enumerated() {
            var frame = frame
            frame.domain = domain
            frame.width = first.width
            frame.height = first.height
            frame.showsAxes = first.showsAxes
            document.raw("<g opacity=\"\(index == 0 ? 1 : 0)\">")
            if count > 1 {
                document.raw(Self.visibility(index: index, count: count, total: total))
            }
            frame.drawPoints(into: &document)
            document.raw("</g>")
        }
        return document.render()
    }

    /// A discrete opacity animation showing frame `index` during `[index, index+1) / count` of
    /// each cycle.
    static func visibility(index: Int, count: Int, total: Double) -> String {
        var values: [String] = []
        var times: [String] = []
        if index > 0 {
            values.append("0"); times.append("0")
        }
        values.append("1"); times.append(index == 0 ? "0" : String(Double(index) / Double(count)))
        if index < count - 1 {
            values.append("0"); times.append(String(Double(index + 1) / Double(count)))
        }
        if times.count == 1 { return "" }
        return "<animate attributeName=\"opacity\" calcMode=\"discrete\" dur=\"\(fmt(total))s\" repeatCount=\"indefinite\" "
            + "values=\"\(values.joined(separator: ";"))\" keyTimes=\"\(times.joined(separator: ";"))\"/>"
    }
}
