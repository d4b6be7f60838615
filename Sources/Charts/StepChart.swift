import Foundation

/// Step curves of y against x (a value that holds until the next step), with optional tick marks
/// on the curve: the chart of Kaplan–Meier curves, where marks show censored runs.
public struct StepChart: Sendable {
    /// The curve takes value `y` from `x` on (until the next step).
    public struct Step: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    public struct Curve: Sendable, Equatable {
        public var name: String
        /// The value before the first step.
        public var start: Step
        public var steps: [Step]
        /// Where the curve ends (the last observation); `nil` ends it at its last step.
        public var end: Double?
        /// x positions of tick marks drawn on the curve (censored observations).
        public var marks: [Double]
        public var color: String?
        public var dashed: Bool

        public init(
            name: String, start: Step, steps: [Step], end: Double? = nil, marks: [Double] = [],
            color: String? = nil, dashed: Bool = false
        ) {
            self.name = name
            self.start = start
            self.steps = steps
            self.end = end
            self.marks = marks
            self.color = color
            self.dashed = dashed
        }

        /// The curve's value at `x` (the last step at or before it).
        public func value(at x: Double) -> Double {
            steps.last(where: { $0.x <= x })?.y ?? start.y
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var curves: [Curve]
    /// The x range; `nil` fits the curves (from zero).
    public var xDomain: ClosedRange<Double>?
    public var yDomain: ClosedRange<Double>
    /// Writes y ticks as percentages (for fractions in 0...1).
    public var yPercent: Bool
    public var width: Double
    public var plotHeight: Double
    public var caption: String?

    public init(
        title: String, xLabel: String, yLabel: String, curves: [Curve], xDomain: ClosedRange<Double>? = nil,
        yDomain: ClosedRange<Double> = 0...1, yPercent: Bool = true, width: Double = 720,
        plotHeight: Double = 260, caption: String? = nil
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.curves = curves
        self.xDomain = xDomain
        self.yDomain = yDomain
        self.yPercent = yPercent
        self.width = width
        self.plotHeight = plotHeight
        self.caption = caption
    }

    /// The chart as a standalone SVG document.
    public func render() -> String { document().render() }

    /// The chart as an SVG document (to embed or extend).
    public func document() -> SVGDocument {
        let legend = curves.enumerated().map { i, c in
            ChartFrame.LegendEntry(name: c.name, color: c.color ?? Palette.color(i), dashed: c.dashed)
        }
        let frame = ChartFrame(width: width, plotHeight: plotHeight, legend: legend)
        var svg = SVGDocument(width: width, height: frame.height + frame.captionHeight(caption))
        let xs = curves.flatMap { c in [c.start.x] + c.steps.map(\.x) + [c.end].compactMap { $0 } + c.marks }
        let x = Scale(
            domain: xDomain ?? ChartFrame.paddedRange(xs, includeZero: true, kind: .linear),
            range: frame.plotLeft...frame.plotRight)
        let y = Scale(domain: yDomain, range: frame.plotTop...frame.plotBottom, inverted: true)
        let percent = yPercent
        frame.drawAxes(into: &svg, title: title, xLabel: xLabel, yLabel: yLabel, x: x, y: y,
                       xTicks: x.ticks(count: 6), yTicks: y.ticks(count: 4),
                       yTickFormat: { percent ? "\(Int(($0 * 100).rounded()))%" : tickLabel($0) })
        for (i, curve) in curves.enumerated() {
            let color = curve.color ?? Palette.color(i)
            var coords = [(x(curve.start.x), y(curve.start.y))]
            var current = curve.start.y
            for step in curve.steps.sorted(by: { $0.x < $1.x }) {
                coords.append((x(step.x), y(current)))
                coords.append((x(step.x), y(step.y)))
                current = step.y
            }
            let lastX = curve.steps.map(\.x).max() ?? curve.start.x
            let endX = Swift.max(curve.end ?? lastX, lastX)
            coords.append((x(endX), y(current)))
            svg.polyline(coords, stroke: color, width: 2, dash: curve.dashed ? "6 4" : nil)
            for mark in curve.marks {
                let px = x(mark), py = y(curve.value(at: mark))
                svg.line(x1: px, y1: py - 4, x2: px, y2: py + 4, stroke: color, width: 1.4)
            }
        }
        frame.drawLegend(into: &svg, legend)
        frame.drawCaption(into: &svg, caption)
        return svg
    }
}
