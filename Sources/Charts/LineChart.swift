import Foundation

/// Lines of y against x, one per series, with an optional uncertainty band or error bars per
/// point, on a linear or log-2 x axis: the chart of "time-to-cluster vs dimension".
///
/// A point without `y` breaks its line (no value to draw); a point marked `exceedsTop` is drawn
/// as an open triangle at the top edge, for values known only to lie above the axis (for example
/// a median that was never reached).
public struct LineChart: Sendable {
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double?
        /// Lower end of the band or error bar.
        public var low: Double?
        /// Upper end of the band or error bar.
        public var high: Double?
        /// The value lies above the top of the axis (drawn as an open triangle there).
        public var exceedsTop: Bool
        /// A confidence interval drawn as a whisker over the band (`interval` kind): its lower end
        /// (`nil`: none drawn) and upper end (`nil` with a lower end: unbounded, an arrow to the top).
        public var whiskerLow: Double?
        public var whiskerHigh: Double?

        public init(
            x: Double, y: Double?, low: Double? = nil, high: Double? = nil, exceedsTop: Bool = false,
            whiskerLow: Double? = nil, whiskerHigh: Double? = nil
        ) {
            self.x = x
            self.y = y
            self.low = low
            self.high = high
            self.exceedsTop = exceedsTop
            self.whiskerLow = whiskerLow
            self.whiskerHigh = whiskerHigh
        }
    }

    public struct Series: Sendable, Equatable {
        public var name: String
        public var points: [Point]
        /// A colour; `nil` takes the palette colour of the series' position.
        public var color: String?
        public var dashed: Bool

        public init(name: String, points: [Point], color: String? = nil, dashed: Bool = false) {
            self.name = name
            self.points = points
            self.color = color
            self.dashed = dashed
        }
    }

    /// A labelled horizontal line across the plot (a limit such as `max_epochs`).
    public struct ReferenceLine: Sendable, Equatable {
        public var y: Double
        public var label: String
        public init(y: Double, label: String) {
            self.y = y
            self.label = label
        }
    }

    /// How `low`/`high` are drawn.
    public enum Uncertainty: Sendable { case band, errorBars, none }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var xScale: Scale.Kind
    public var yScale: Scale.Kind
    /// Tick positions on x; `nil` lets the scale choose.
    public var xTicks: [Double]?
    /// The y range; `nil` fits the data (from zero on a linear axis).
    public var yDomain: ClosedRange<Double>?
    public var uncertainty: Uncertainty
    public var width: Double
    public var plotHeight: Double
    /// Small print under the legend (what the band means, what a triangle means), wrapped to fit.
    public var caption: String?
    /// Dashed horizontal lines drawn under the data.
    public var referenceLines: [ReferenceLine]

    public init(
        title: String, xLabel: String, yLabel: String, series: [Series], xScale: Scale.Kind = .linear,
        yScale: Scale.Kind = .linear, xTicks: [Double]? = nil, yDomain: ClosedRange<Double>? = nil,
        uncertainty: Uncertainty = .band, width: Double = 720, plotHeight: Double = 300, caption: String? = nil,
        referenceLines: [ReferenceLine] = []
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xScale = xScale
        self.yScale = yScale
        self.xTicks = xTicks
        self.yDomain = yDomain
        self.uncertainty = uncertainty
        self.width = width
        self.plotHeight = plotHeight
        self.caption = caption
        self.referenceLines = referenceLines
    }

    /// The chart as a standalone SVG document.
    public func render() -> String { document().render() }

    /// The chart as an SVG document (to embed or extend).
    public func document() -> SVGDocument {
        let legend = series.enumerated().map { i, s in
            ChartFrame.LegendEntry(name: s.name, color: s.color ?? Palette.color(i), dashed: s.dashed)
        }
        let frame = ChartFrame(width: width, plotHeight: plotHeight, legend: legend)
        var svg = SVGDocument(width: width, height: frame.height + frame.captionHeight(caption))

        let points = series.flatMap(\.points)
        let xs = points.map(\.x)
        let ys = points.flatMap { [$0.y, $0.low, $0.high, $0.whiskerLow, $0.whiskerHigh].compactMap { $0 } } + referenceLines.map(\.y)
        let xDomain = xDomainOf(xs)
        let x = Scale(kind: xScale, domain: xDomain, range: frame.plotLeft...frame.plotRight)
        let y = Scale(
            kind: yScale, domain: yDomain ?? ChartFrame.paddedRange(ys, includeZero: true, kind: yScale),
            range: frame.plotTop...frame.plotBottom, inverted: true)
        let xTickValues = (xTicks ?? x.ticks()).filter { xDomain.contains($0) }
        frame.drawAxes(into: &svg, title: title, xLabel: xLabel, yLabel: yLabel, x: x, y: y,
                       xTicks: xTickValues, yTicks: y.ticks(count: 5))

        let clampY = { (v: Double) in Swift.min(Swift.max(y(v), frame.plotTop), frame.plotBottom) }
        for reference in referenceLines {
            let py = clampY(reference.y)
            svg.line(x1: frame.plotLeft, y1: py, x2: frame.plotRight, y2: py, stroke: "#777777", width: 1, dash: "4 3")
            svg.text(reference.label, x: frame.plotLeft + 4, y: py - 4, size: 10)
        }
        for (i, s) in series.enumerated() {
            let color = s.color ?? Palette.color(i)
            let sorted = s.points.sorted { $0.x < $1.x }
            switch uncertainty {
            case .band:
                for run in Self.runs(sorted, where: { $0.low != nil && $0.high != nil }) where run.count > 1 {
                    let upper = run.map { (x($0.x), clampY($0.high ?? 0)) }
                    let lower = run.reversed().map { (x($0.x), clampY($0.low ?? 0)) }
                    svg.polygon(upper + lower, fill: color, opacity: 0.16)
                }
            case .errorBars:
                for p in sorted {
                    guard let low = p.low, let high = p.high else { continue }
                    let px = x(p.x)
                    svg.line(x1: px, y1: clampY(low), x2: px, y2: clampY(high), stroke: color, width: 1.2)
                    svg.line(x1: px - 4, y1: clampY(low), x2: px + 4, y2: clampY(low), stroke: color, width: 1.2)
                    svg.line(x1: px - 4, y1: clampY(high), x2: px + 4, y2: clampY(high), stroke: color, width: 1.2)
                }
            case .none:
                break
            }
            // Whiskers, offset a little per series so overlapping intervals stay readable.
            let offset = (Double(i) - Double(series.count - 1) / 2) * 5
            for p in sorted {
                guard let low = p.whiskerLow else { continue }
                let px = x(p.x) + offset
                let top = p.whiskerHigh.map(clampY) ?? frame.plotTop
                svg.line(x1: px, y1: clampY(low), x2: px, y2: top, stroke: color, width: 1.3)
                svg.line(x1: px - 3.5, y1: clampY(low), x2: px + 3.5, y2: clampY(low), stroke: color, width: 1.3)
                if p.whiskerHigh == nil {
                    svg.element("polyline", [
                        "points": "\(fmt(px - 4)),\(fmt(top + 6)) \(fmt(px)),\(fmt(top)) \(fmt(px + 4)),\(fmt(top + 6))",
                        "fill": "none", "stroke": color, "stroke-width": "1.3",
                    ])
                } else {
                    svg.line(x1: px - 3.5, y1: top, x2: px + 3.5, y2: top, stroke: color, width: 1.3)
                }
            }
            for run in Self.runs(sorted, where: { $0.y != nil }) {
                let coords = run.map { (x($0.x), clampY($0.y ?? 0)) }
                if coords.count > 1 {
                    svg.polyline(coords, stroke: color, width: 2, dash: s.dashed ? "6 4" : nil)
                }
                for (px, py) in coords {
                    svg.circle(cx: px, cy: py, r: 3.2, fill: color)
                }
            }
            for p in sorted where p.y == nil && p.exceedsTop {
                let px = x(p.x), py = frame.plotTop + 2
                svg.element("polygon", [
                    "points": "\(fmt(px - 5)),\(fmt(py + 9)) \(fmt(px + 5)),\(fmt(py + 9)) \(fmt(px)),\(fmt(py))",
                    "fill": "white", "stroke": color, "stroke-width": "1.8",
                ])
            }
        }
        frame.drawLegend(into: &svg, legend)
        frame.drawCaption(into: &svg, caption)
        return svg
    }

    private func xDomainOf(_ xs: [Double]) -> ClosedRange<Double> {
        let usable = xs.filter { $0.isFinite && (xScale == .linear || $0 > 0) }
        guard let lo = usable.min(), let hi = usable.max() else { return xScale == .log2 ? 1...2 : 0...1 }
        switch xScale {
        case .linear:
            let pad = hi > lo ? (hi - lo) * 0.04 : 1
            return (lo - pad)...(hi + pad)
        case .log2:
            return hi > lo ? (lo / 1.08)...(hi * 1.08) : (lo / 2)...(hi * 2)
        }
    }

    /// Maximal runs of consecutive points satisfying `include`.
    static func runs(_ points: [Point], where include: (Point) -> Bool) -> [[Point]] {
        var out: [[Point]] = []
        var current: [Point] = []
        for p in points {
            if include(p) {
                current.append(p)
            } else if !current.isEmpty {
                out.append(current)
                current = []
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
