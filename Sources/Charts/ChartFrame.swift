import Foundation

/// The shared scaffolding of line and step charts: title, plot area, grid, ticks, axis labels and
/// a legend below the plot, so every chart of a report reads the same way.
///
/// Layout, top to bottom: title, plot area (`plotHeight` pixels), x tick labels and x label, then
/// the legend (one entry per row, in as many columns as fit).
struct ChartFrame {
    struct LegendEntry {
        var name: String
        var color: String
        var dashed: Bool
        /// `line` draws a short stroke; `marker` a filled square (bands, areas).
        var isLine: Bool = true
    }

    static let marginLeft = 72.0
    static let marginRight = 24.0
    static let marginTop = 34.0
    static let axisBelow = 44.0
    static let legendRowHeight = 17.0

    let width: Double
    let plotHeight: Double
    let legendColumns: Int
    let legendRows: Int

    init(width: Double, plotHeight: Double, legend: [LegendEntry]) {
        self.width = width
        self.plotHeight = plotHeight
        let longest = legend.map(\.name.count).max() ?? 0
        let columnWidth = Double(longest) * 6.6 + 34
        let available = width - Self.marginLeft - Self.marginRight
        let columns = Swift.max(1, Swift.min(legend.count, Int(available / Swift.max(columnWidth, 1))))
        legendColumns = columns
        legendRows = legend.isEmpty ? 0 : (legend.count + columns - 1) / columns
    }

    var plotLeft: Double { Self.marginLeft }
    var plotRight: Double { width - Self.marginRight }
    var plotTop: Double { Self.marginTop }
    var plotBottom: Double { Self.marginTop + plotHeight }
    var height: Double {
        plotBottom + Self.axisBelow + (legendRows > 0 ? Double(legendRows) * Self.legendRowHeight + 8 : 0)
    }

    /// Draws title, grid, ticks and labels; `xTicks`/`yTicks` are data values.
    func drawAxes(
        into svg: inout SVGDocument, title: String, xLabel: String, yLabel: String,
        x: Scale, y: Scale, xTicks: [Double], yTicks: [Double], yTickFormat: (Double) -> String = tickLabel
    ) {
        svg.text(title, x: plotLeft, y: 20, size: 14, weight: "bold")
        for tick in yTicks {
            let py = y(tick)
            svg.line(x1: plotLeft, y1: py, x2: plotRight, y2: py, stroke: "#e3e3e3")
            svg.text(yTickFormat(tick), x: plotLeft - 6, y: py + 4, size: 11, anchor: .end)
        }
        for tick in xTicks {
            let px = x(tick)
            svg.line(x1: px, y1: plotTop, x2: px, y2: plotBottom, stroke: "#eeeeee")
            svg.line(x1: px, y1: plotBottom, x2: px, y2: plotBottom + 4, stroke: "#444444")
            svg.text(tickLabel(tick), x: px, y: plotBottom + 17, size: 11, anchor: .middle)
        }
        svg.line(x1: plotLeft, y1: plotBottom, x2: plotRight, y2: plotBottom, stroke: "#444444")
        svg.line(x1: plotLeft, y1: plotTop, x2: plotLeft, y2: plotBottom, stroke: "#444444")
        svg.text(xLabel, x: (plotLeft + plotRight) / 2, y: plotBottom + 36, size: 12, anchor: .middle)
        let midY = (plotTop + plotBottom) / 2
        svg.text(yLabel, x: 16, y: midY, size: 12, anchor: .middle, rotate: -90)
    }

    /// Draws the legend below the x label.
    func drawLegend(into svg: inout SVGDocument, _ entries: [LegendEntry]) {
        guard !entries.isEmpty else { return }
        let columnWidth = (plotRight - plotLeft) / Double(legendColumns)
        let top = plotBottom + Self.axisBelow + 6
        for (i, entry) in entries.enumerated() {
            let column = Double(i % legendColumns), row = Double(i / legendColumns)
            let x = plotLeft + column * columnWidth
            let y = top + row * Self.legendRowHeight
            if entry.isLine {
                svg.line(x1: x, y1: y + 5, x2: x + 22, y2: y + 5, stroke: entry.color, width: 2.5,
                         dash: entry.dashed ? "5 3" : nil)
            } else {
                svg.rect(x: x + 5, y: y, width: 12, height: 10, fill: entry.color)
            }
            svg.text(entry.name, x: x + 28, y: y + 9, size: 11)
        }
    }

    /// Lines of `caption` wrapped to the plot's width (about 5.6 pixels per character at 10.5 px).
    func captionLines(_ caption: String?) -> [String] {
        guard let caption, !caption.isEmpty else { return [] }
        let perLine = Swift.max(20, Int((width - plotLeft - 8) / 5.6))
        var lines: [String] = []
        var current = ""
        for word in caption.split(separator: " ") {
            if !current.isEmpty, current.count + 1 + word.count > perLine {
                lines.append(current)
                current = String(word)
            } else {
                current += current.isEmpty ? String(word) : " " + word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Extra height the caption needs below the legend.
    func captionHeight(_ caption: String?) -> Double {
        let count = captionLines(caption).count
        return count == 0 ? 0 : Double(count) * 14 + 6
    }

    /// Draws the wrapped caption below the legend.
    func drawCaption(into svg: inout SVGDocument, _ caption: String?) {
        for (i, line) in captionLines(caption).enumerated() {
            svg.text(line, x: plotLeft, y: height + 8 + Double(i) * 14, size: 10.5)
        }
    }

    /// A value range padded so lines do not touch the frame; never empty.
    static func paddedRange(_ values: [Double], includeZero: Bool, kind: Scale.Kind) -> ClosedRange<Double> {
        let finite = values.filter { $0.isFinite && (kind == .linear || $0 > 0) }
        guard var lo = finite.min(), var hi = finite.max() else {
            return kind == .log2 ? 1...2 : 0...1
        }
        if kind == .linear {
            if includeZero { lo = Swift.min(lo, 0) }
            let pad = (hi - lo) * 0.05
            hi += pad == 0 ? Swift.max(abs(hi) * 0.1, 1) : pad
            if !includeZero { lo -= pad }
        } else {
            lo /= 1.15
            hi *= 1.15
        }
        return lo...hi
    }
}
