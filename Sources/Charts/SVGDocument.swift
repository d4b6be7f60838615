import Foundation

/// A minimal SVG writer shared by every chart: elements are appended as text, attribute values
/// are escaped, and numbers are written with bounded precision so output is stable (golden files).
public struct SVGDocument: Sendable {
    public let width: Double
    public let height: Double
    private var body: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Appends a raw element. `attributes` are written in the order given; values are escaped.
    public mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>, content: String? = nil) {
        var line = "<\(name)"
        for (key, value) in attributes {
            line += " \(key)=\"\(SVGDocument.escape(value))\""
        }
        if let content {
            line += ">\(SVGDocument.escape(content))</\(name)>"
        } else {
            line += "/>"
        }
        body.append(line)
    }

    /// Appends already-built markup (a group from another writer, an `<animate>` block).
    public mutating func raw(_ markup: String) {
        body.append(markup)
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dash: String? = nil) {
        if let dash {
            element("line", ["x1": fmt(x1), "y1": fmt(y1), "x2": fmt(x2), "y2": fmt(y2), "stroke": stroke, "stroke-width": fmt(width), "stroke-dasharray": dash])
        } else {
            element("line", ["x1": fmt(x1), "y1": fmt(y1), "x2": fmt(x2), "y2": fmt(y2), "stroke": stroke, "stroke-width": fmt(width)])
        }
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String = "none") {
        element("rect", ["x": fmt(x), "y": fmt(y), "width": fmt(width), "height": fmt(height), "fill": fill, "stroke": stroke])
    }

    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, opacity: Double = 1) {
        element("circle", ["cx": fmt(cx), "cy": fmt(cy), "r": fmt(r), "fill": fill, "fill-opacity": fmt(opacity)])
    }

    /// A polyline through `points` (already in pixel coordinates).
    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5, fill: String = "none", dash: String? = nil) {
        let coords = points.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ")
        if let dash {
            element("polyline", ["points": coords, "fill": fill, "stroke": stroke, "stroke-width": fmt(width), "stroke-dasharray": dash])
        } else {
            element("polyline", ["points": coords, "fill": fill, "stroke": stroke, "stroke-width": fmt(width)])
        }
    }

    /// A closed polygon (e.g. a quartile band), already in pixel coordinates.
    public mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double) {
        let coords = points.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ")
        element("polygon", ["points": coords, "fill": fill, "fill-opacity": fmt(opacity), "stroke": "none"])
    }

    public enum Anchor: String, Sendable { case start, middle, end }

    public mutating func text(_ string: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start, weight: String = "normal", rotate: Double? = nil) {
        if let rotate {
            element("text", ["x": fmt(x), "y": fmt(y), "font-size": fmt(size), "text-anchor": anchor.rawValue, "font-weight": weight, "transform": "rotate(\(fmt(rotate)) \(fmt(x)) \(fmt(y)))"], content: string)
        } else {
            element("text", ["x": fmt(x), "y": fmt(y), "font-size": fmt(size), "text-anchor": anchor.rawValue, "font-weight": weight], content: string)
        }
    }

    /// The complete document, standalone (with the XML namespace), for a `.svg` file or inline HTML.
    public func render() -> String {
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" fill=\"white\"/>\n"
        for line in body {
            out += line
            out += "\n"
        }
        out += "</svg>\n"
        return out
    }

    /// Escapes text for XML content and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(ch)
            }
        }
        return out
    }
}

/// Formats a coordinate with at most two decimals and no trailing zeros, so output is stable.
public func fmt(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let rounded = (value * 100).rounded() / 100
    if rounded == rounded.rounded() && abs(rounded) < 1e15 {
        return String(Int(rounded))
    }
    return String(format: "%.2f", rounded)
        .replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
}
