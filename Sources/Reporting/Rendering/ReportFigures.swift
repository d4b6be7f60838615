import Charts
import Foundation
import TrainingCore

/// Turns a report's data into the charts of `report.html`, so the page and tests draw the same
/// figures from the same numbers.
///
/// Every time-to-cluster chart shows Kaplan–Meier statistics (censored runs counted): the line is
/// the KM median, the whiskers its 95% confidence interval (an arrow where the interval is
/// unbounded above), the band the KM interquartile range (the spread of the runs, not a
/// confidence interval). Where fewer than half the runs clustered
/// the median is not drawn and an open triangle sits at the top edge instead; a quartile that was
/// never reached is clipped at the top of the axis (the runs' `max_epochs` at least).
public enum ReportFigures {
    /// The headline chart: epochs-to-cluster of each series' own metric against dimension.
    public static func headline(_ report: SweepReport) -> LineChart {
        let labels = seriesLabels(report.dimensionEffect.map(\.parameters))
        let metrics = Set(report.dimensionEffect.map(\.metric))
        let curves = zip(report.dimensionEffect, labels).map { series, label in
            (name: metrics.count > 1 ? "\(label) [\(series.metric)]" : label,
             points: series.points.map { ($0.dimension, $0.epochs) },
             ceiling: maxEpochs(series.parameters))
        }
        let metricName = metrics.count == 1 ? metrics.first.map(displayName) ?? "" : "each series' metric"
        return timeChart(
            title: "Epochs to cluster vs dimension (\(metricName))", curves: curves,
            dimensions: report.dimensionEffect.flatMap { $0.points.map(\.dimension) }, width: 760, plotHeight: 320)
    }

    /// One chart per metric: KM median epochs-to-cluster of `metric` against dimension per series.
    public static func metricChart(_ report: SweepReport, metric: String) -> LineChart {
        let series = dimensionSeries(report.groups)
        let labels = seriesLabels(series.map(\.key))
        let curves = zip(series, labels).map { entry, label in
            (name: label,
             points: entry.groups.compactMap { group -> (Int, TimeStatistics)? in
                 guard let d = dimension(group.parameters), let times = group.metrics[metric] else { return nil }
                 return (d, times.epochs)
             },
             ceiling: maxEpochs(entry.key))
        }
        return timeChart(
            title: displayName(metric), curves: curves,
            dimensions: report.groups.compactMap { dimension($0.parameters) }, width: 520, plotHeight: 220)
    }

    /// Kaplan–Meier curves (fraction clustered vs epoch) of one headline series, one per dimension.
    public static func kaplanMeier(_ series: DimensionSeries, title: String) -> StepChart {
        let curves = series.points.filter { !$0.kmCurve.isEmpty }.map { point in
            StepChart.Curve(
                name: "D = \(point.dimension)  (\(point.epochs.reached)/\(point.epochs.runs) clustered)",
                start: .init(x: 0, y: 0),
                steps: point.kmCurve.filter { $0.events > 0 }.map { .init(x: $0.time, y: 1 - $0.survival) },
                end: point.kmCurve.last?.time,
                marks: point.kmCurve.filter { $0.censored > 0 }.map(\.time))
        }
        return StepChart(
            title: title, xLabel: "epoch", yLabel: "fraction clustered", curves: curves,
            caption: "Ticks: runs that stopped unclustered (censored). A curve ends at its last run.")
    }

    // MARK: - Shared construction

    private static func timeChart(
        title: String, curves: [(name: String, points: [(Int, TimeStatistics)], ceiling: Double?)],
        dimensions: [Int], width: Double, plotHeight: Double
    ) -> LineChart {
        var values: [Double] = []
        var needsCeiling = false
        var ceilings: [Double] = []
        for curve in curves {
            for (_, t) in curve.points where t.runs > 0 {
                values += [t.kmMedian, t.kmQ1, t.kmQ3, t.kmMedianCI95.lower, t.kmMedianCI95.upper].compactMap { $0 }
                if t.kmQ3 == nil || t.kmMedian == nil || (t.kmMedianCI95.lower != nil && t.kmMedianCI95.upper == nil) {
                    needsCeiling = true
                }
                if let ceiling = curve.ceiling { ceilings.append(ceiling) }
            }
        }
        let top = needsCeiling ? Swift.max(values.max() ?? 0, ceilings.max() ?? 0) : (values.max() ?? 1)
        let yDomain = 0...(Swift.max(top, 1) * 1.05)
        let series = curves.map { curve in
            LineChart.Series(name: curve.name, points: curve.points.filter { $0.1.runs > 0 }.map { d, t in
                LineChart.Point(
                    x: Double(d), y: t.kmMedian,
                    low: t.kmQ1,
                    // An upper quartile never reached lies beyond the runs' horizon: clip there.
                    high: t.kmQ3 ?? (t.kmQ1 == nil ? nil : curve.ceiling ?? yDomain.upperBound),
                    exceedsTop: t.kmMedian == nil,
                    whiskerLow: t.kmMedianCI95.lower,
                    whiskerHigh: t.kmMedianCI95.lower == nil ? nil : t.kmMedianCI95.upper)
            })
        }
        let references = needsCeiling
            ? Set(curves.compactMap(\.ceiling)).sorted().map {
                LineChart.ReferenceLine(y: $0, label: "max_epochs \(tickLabel($0)): runs stop unclustered")
            }
            : []
        let distinct = Array(Set(dimensions)).sorted()
        return LineChart(
            title: title, xLabel: "dimension D", yLabel: "epochs to cluster", series: series,
            xScale: useLog2(distinct) ? .log2 : .linear, xTicks: distinct.map(Double.init), yDomain: yDomain,
            width: width, plotHeight: plotHeight,
            caption: """
                Line: Kaplan–Meier median. Whiskers: 95% confidence interval of the median (an arrow: no upper \
                bound yet). Band: KM quartiles, the spread of the runs, not a confidence interval. \
                △: under half clustered (median not reached).
                """,
            referenceLines: references)
    }

    /// A log-2 axis when the largest dimension is at least 4 times the smallest (ticks stay the
    /// actual dimensions).
    static func useLog2(_ dimensions: [Int]) -> Bool {
        guard let lo = dimensions.min(), let hi = dimensions.max(), lo >= 1 else { return false }
        return hi >= 4 * lo
    }

    /// Groups arranged as series: parameters without dimension, groups in increasing dimension.
    static func dimensionSeries(_ groups: [ReportGroup]) -> [(key: [String: ParameterValue], groups: [ReportGroup])] {
        var order: [[String: ParameterValue]] = []
        var members: [[String: ParameterValue]: [ReportGroup]] = [:]
        for group in groups {
            let key = ReportParameters.without(group.parameters, [ReportParameters.dimensionKey])
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(group)
        }
        return order.map { key in
            (key, (members[key] ?? []).sorted { (dimension($0.parameters) ?? 0) < (dimension($1.parameters) ?? 0) })
        }
    }

    /// Short labels naming only the parameters that differ between the given sets.
    public static func seriesLabels(_ parameterSets: [[String: ParameterValue]]) -> [String] {
        let varying = varyingKeys(parameterSets)
        return parameterSets.map { parameters in
            let parts = varying.map { "\($0)=\(parameters[$0]?.description ?? "–")" }
            return parts.isEmpty ? "all runs" : parts.joined(separator: ", ")
        }
    }

    /// Keys whose value is not the same in every set, sorted.
    public static func varyingKeys(_ parameterSets: [[String: ParameterValue]]) -> [String] {
        let keys = Set(parameterSets.flatMap(\.keys))
        return keys.filter { key in Set(parameterSets.map { $0[key] }).count > 1 }.sorted()
    }

    static func dimension(_ parameters: [String: ParameterValue]) -> Int? {
        parameters[ReportParameters.dimensionKey]?.number.map { Int($0) }
    }

    static func maxEpochs(_ parameters: [String: ParameterValue]) -> Double? {
        parameters["max_epochs"]?.number
    }

    /// The user-facing spelling of a metric key (`lda_silhouette` -> `lda-silhouette`).
    static func displayName(_ key: String) -> String {
        ClusterMetric(name: key)?.rawValue ?? key
    }
}
