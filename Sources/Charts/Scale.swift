import Foundation

/// Maps data values onto pixels, linearly or on a log-2 axis (for dimensions that double).
public struct Scale: Sendable {
    public enum Kind: Sendable { case linear, log2 }

    public let kind: Kind
    public let domain: ClosedRange<Double>
    public let range: ClosedRange<Double>
    /// Pixel direction: `true` maps the domain's low end to `range.upperBound` (y axes).
    public let inverted: Bool

    public init(kind: Kind = .linear, domain: ClosedRange<Double>, range: ClosedRange<Double>, inverted: Bool = false) {
        self.kind = kind
        var lo = domain.lowerBound, hi = domain.upperBound
        if kind == .log2 {
            lo = Swift.max(lo, .leastNormalMagnitude)
            hi = Swift.max(hi, lo)
        }
        if lo == hi {
            // A degenerate domain still needs a visible span.
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= kind == .log2 ? 0 : pad
            hi += pad
        }
        self.domain = lo...hi
        self.range = range
        self.inverted = inverted
    }

    private func transform(_ v: Double) -> Double {
        switch kind {
        case .linear: v
        case .log2: Foundation.log2(Swift.max(v, .leastNormalMagnitude))
        }
    }

    /// The pixel position of `value`.
    public func callAsFunction(_ value: Double) -> Double {
        let t0 = transform(domain.lowerBound), t1 = transform(domain.upperBound)
        let f = t1 == t0 ? 0.5 : (transform(value) - t0) / (t1 - t0)
        let f2 = inverted ? 1 - f : f
        return range.lowerBound + f2 * (range.upperBound - range.lowerBound)
    }

    /// Tick values: powers of two on a log-2 axis, "nice" steps (1, 2, 5 x 10^k) on a linear one.
    public func ticks(count: Int = 6) -> [Double] {
        switch kind {
        case .log2:
            let lo = Int(Foundation.log2(domain.lowerBound).rounded(.down))
            let hi = Int(Foundation.log2(domain.upperBound).rounded(.up))
            return (lo...Swift.max(lo, hi)).map { Foundation.pow(2, Double($0)) }
                .filter { $0 >= domain.lowerBound * 0.999 && $0 <= domain.upperBound * 1.001 }
        case .linear:
            let span = domain.upperBound - domain.lowerBound
            guard span > 0, span.isFinite else { return [domain.lowerBound] }
            let raw = span / Double(Swift.max(count, 1))
            let magnitude = Foundation.pow(10, (Foundation.log10(raw)).rounded(.down))
            let step = [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? raw
            var tick = (domain.lowerBound / step).rounded(.up) * step
            var out: [Double] = []
            while tick <= domain.upperBound + step * 1e-9, out.count < 50 {
                out.append(abs(tick) < step * 1e-9 ? 0 : tick)
                tick += step
            }
            return out
        }
    }
}

/// Colours that stay distinguishable in print and for common colour-vision deficiencies
/// (Okabe–Ito first, then Tableau).
public enum Palette {
    public static let colors = [
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
        "#4E79A7", "#F28E2B", "#59A14F", "#E15759", "#B07AA1", "#9C755F",
    ]

    /// The colour of series or class `index` (cycles when there are more).
    public static func color(_ index: Int) -> String {
        colors[((index % colors.count) + colors.count) % colors.count]
    }
}

/// Formats a tick label compactly: integers plainly, small and large values with few digits.
public func tickLabel(_ value: Double) -> String {
    if value == value.rounded() && abs(value) < 1e7 { return String(Int(value)) }
    if abs(value) >= 1e4 || abs(value) < 1e-3 { return String(format: "%.1e", value) }
    return String(format: "%.3g", value)
}
