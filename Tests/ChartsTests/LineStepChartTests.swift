import Foundation
import Testing
@testable import Charts

@Test func lineChart_drawsBandLineAndMarkers() {
    let chart = LineChart(
        title: "t", xLabel: "x", yLabel: "y",
        series: [.init(name: "a", points: [
            .init(x: 2, y: 10, low: 5, high: 15), .init(x: 4, y: 20, low: 15, high: 25), .init(x: 8, y: 30, low: 20, high: 40),
        ])],
        xScale: .log2, xTicks: [2, 4, 8])
    let svg = chart.render()
    #expect(svg.components(separatedBy: "<polygon").count - 1 == 1)
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 1)
    #expect(svg.components(separatedBy: "<circle").count - 1 == 3)
    // Log-2 x: 4 sits halfway between 2 and 8.
    let x = Scale(kind: .log2, domain: 2 / 1.08...8 * 1.08, range: ChartFrame.marginLeft...(720 - ChartFrame.marginRight))
    #expect(svg.contains(">4</text>"))
    #expect(abs((x(4) - x(2)) - (x(8) - x(4))) < 1e-9)
}

@Test func lineChart_breaksLineAndMarksTop_whenValueMissing() {
    let chart = LineChart(
        title: "t", xLabel: "x", yLabel: "y",
        series: [.init(name: "a", points: [
            .init(x: 1, y: 10), .init(x: 2, y: 12), .init(x: 3, y: nil, exceedsTop: true), .init(x: 4, y: 14), .init(x: 5, y: 15),
        ])],
        uncertainty: .none)
    let svg = chart.render()
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
    #expect(svg.components(separatedBy: "<circle").count - 1 == 4)
    #expect(svg.contains("fill=\"white\" stroke=\"#0072B2\""))  // the open triangle
}

@Test func lineChart_drawsErrorBars() {
    let chart = LineChart(title: "t", xLabel: "x", yLabel: "y",
                          series: [.init(name: "a", points: [.init(x: 1, y: 2, low: 1, high: 3)])], uncertainty: .errorBars)
    let svg = chart.render()
    #expect(!svg.contains("<polygon"))
    #expect(svg.contains("stroke-width=\"1.2\""))
}

@Test func stepChart_drawsHorizontalThenVerticalSteps() throws {
    let chart = StepChart(
        title: "km", xLabel: "epoch", yLabel: "fraction", curves: [
            .init(name: "D=2", start: .init(x: 0, y: 0), steps: [.init(x: 100, y: 0.5), .init(x: 200, y: 1)], end: 300, marks: [250]),
        ], xDomain: 0...300, width: 400, plotHeight: 100)
    let svg = chart.render()
    let line = try #require(svg.split(separator: "\n").first { $0.hasPrefix("<polyline") })
    let points = try #require(line.split(separator: "\"").dropFirst().first)
    // 0 -> 100 flat at y(0), up to y(0.5), flat to 200, up to y(1), flat to the end at 300.
    let ys = points.split(separator: " ").map { $0.split(separator: ",")[1] }
    #expect(ys.count == 6)
    #expect(ys[0] == ys[1] && ys[2] == ys[3] && ys[4] == ys[5])
    #expect(ys[1] != ys[2] && ys[3] != ys[4])
    #expect(svg.contains(">50%</text>") || svg.contains(">100%</text>"))
    #expect(chart.curves[0].value(at: 250) == 1)
    #expect(chart.curves[0].value(at: 50) == 0)
}

@Test func charts_renderEmpty_withoutCrashing() {
    #expect(LineChart(title: "t", xLabel: "x", yLabel: "y", series: [], xScale: .log2).render().hasPrefix("<svg"))
    #expect(StepChart(title: "t", xLabel: "x", yLabel: "y", curves: []).render().hasPrefix("<svg"))
}
