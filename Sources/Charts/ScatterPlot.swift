/// A class-coloured scatter plot with a title and a legend: one frame of the experiment's picture
/// (points coloured by their label), written as a standalone SVG.
///
/// `ScatterAnimation` draws several of these into one SVG; a fixed `domain` keeps the axes still
/// from frame to frame.
public struct ScatterPlot: Sendable {
    /// One point in data units and its class index.
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public var group: Int
        public init(x: Double, y: Double, group: Int) {
            self.x = x
            self.y = y
            self.group = group
        }
    }

    public var title: String
    public var points: [Point]
    /// Legend entries, one per class index (`class 0`, `class 1`, ... by default); empty: no legend.
    public var groupNames: [String]
    public var xLabel: String
    public var yLabel: String
    /// Draw ticks and axis labels (off for projections whose coordinates mean nothing to a reader).
    public var showsAxes: Bool
    /// The plotted area in data units; `nil` fits the points with a small margin.
    public var domain: (x: ClosedRange<Double>, y: ClosedRange<Double>)?
    public var width: Double = 560
    public var height: Double = 500
    public var pointRadius: Double = 2.6

    public init(
        title: String, points: [Point], groupNames: [String]? = nil, xLabel: String = "x", yLabel: String = "y",
        showsAxes: Bool = true, domain: (x: ClosedRange<Double>, y: ClosedRange<Double>)? = nil
    ) {
        self.title = title
        self.points = points
        let groups = (points.map(\.group).max() ?? -1) + 1
        self.groupNames = groupNames ?? (0..<groups).map { "class \($0)" }
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.showsAxes = showsAxes
        self.domain = domain
    }

    /// The data bounds of `points` with a 5% margin (finite points only).
    public static func fittedDomain(_ points: [Point]) -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard let first = finite.first else { return (-1...1, -1...1) }
        var x0 = first.x, x1 = first.x, y0 = first.y, y1 = first.y
        for p in finite {
            x0 = min(x0, p.x); x1 = max(x1, p.x)
            y0 = min(y0, p.y); y1 = max(y1, p.y)
        }
        let mx = max((x1 - x0) * 0.05, 1e-9), my = max((y1 - y0) * 0.05, 1e-9)
        return ((x0 - mx)...(x1 + mx), (y0 - my)...(y1 + my))
    }

    /// The plot area in pixels: left, top, right, bottom.
    var plotArea: (left: Double, top: Double, right: Double, bottom: Double) {
        (showsAxes ? 64 : 20, 44, width - (groupNames.isEmpty ? 20 : 120), height - (showsAxes ? 48 : 20))
    }

    /// The scales mapping data to pixels.
    func scales() -> (x: Scale, y: Scale) {
        let d = domain ?? Self.fittedDomain(points)
        let area = plotArea
        return (Scale(domain: d.x, range: area.left...area.right),
                Scale(domain: d.y, range: area.top...area.bottom, inverted: true))
    }

    /// The complete SVG document.
    public func render() -> String {
        var document = SVGDocument(width: width, height: height)
        drawFrame(into: &document)
        drawPoints(into: &document)
        return document.render()
    }

    /// The parts that stay fixed across an animation: plot border, axes, legend.
    func drawFrame(into document: inout SVGDocument) {
        let area = plotArea
        let (xs, ys) = scales()
        document.rect(x: area.left, y: area.top, width: area.right - area.left, height: area.bottom - area.top, fill: "none", stroke: "#999999")
        if showsAxes {
            for tick in xs.ticks(count: 6) {
                let x = xs(tick)
                document.line(x1: x, y1: area.bottom, x2: x, y2: area.bottom + 5, stroke: "#666666")
                document.text(tickLabel(tick), x: x, y: area.bottom + 18, size: 11, anchor: .middle)
            }
            for tick in ys.ticks(count: 6) {
                let y = ys(tick)
                document.line(x1: area.left - 5, y1: y, x2: area.left, y2: y, stroke: "#666666")
                document.text(tickLabel(tick), x: area.left - 8, y: y + 4, size: 11, anchor: .end)
            }
            document.text(xLabel, x: (area.left + area.right) / 2, y: height - 10, size: 12, anchor: .middle)
            document.text(yLabel, x: 16, y: (area.top + area.bottom) / 2, size: 12, anchor: .middle, rotate: -90)
        }
        for (index, name) in groupNames.enumerated() {
            let y = area.top + 10 + Double(index) * 20
            document.circle(cx: area.right + 20, cy: y, r: 5, fill: Palette.color(index))
            document.text(name, x: area.right + 32, y: y + 4, size: 12)
        }
    }

    /// The title and the points (what changes from frame to frame).
    func drawPoints(into document: inout SVGDocument) {
        let (xs, ys) = scales()
        document.text(title, x: width / 2, y: 26, size: 16, anchor: .middle, weight: "bold")
        for p in points where p.x.isFinite && p.y.isFinite {
            document.circle(cx: xs(p.x), cy: ys(p.y), r: pointRadius, fill: Palette.color(p.group), opacity: 0.8)
        }
    }
}
