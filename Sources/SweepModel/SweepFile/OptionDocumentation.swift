import Foundation
import TrainingCore

/// The documentation tables of the options, rendered from their declarations
/// (`ExperimentConfig.options`, `JobParameters.switches`), so that docs/SWEEP_FILES.md and
/// README.md cannot drift from the code: a test compares the text between the markers with these
/// tables.
public enum OptionDocumentation {
    /// A generated table in a Markdown document: the lines between `begin` and `end`.
    public struct Section: Sendable {
        /// The document, relative to the package root.
        public let document: String
        public let name: String
        public let table: String

        public var begin: String {
            "<!-- generated: \(name) (from the option declarations; regenerate with "
                + "CLUSTERSWEEP_UPDATE_DOCS=1 swift test --filter OptionDocumentationTests) -->"
        }
        public var end: String { "<!-- end generated: \(name) -->" }

        /// `text` with the lines between the markers replaced by the table; `nil` when the
        /// markers are missing or out of order.
        public func replacing(in text: String) -> String? {
            guard let (start, stop) = markers(in: text) else { return nil }
            return String(text[..<start.upperBound]) + "\n" + table + String(text[stop.lowerBound...])
        }

        /// The lines between the markers in `text` (what `table` should be), or `nil`.
        public func current(in text: String) -> String? {
            guard let (start, stop) = markers(in: text) else { return nil }
            return String(text[start.upperBound..<stop.lowerBound].dropFirst())
        }

        private func markers(in text: String) -> (Range<String.Index>, Range<String.Index>)? {
            guard let start = text.range(of: begin), let stop = text.range(of: end),
                start.upperBound <= stop.lowerBound
            else { return nil }
            return (start, stop)
        }
    }

    /// Every generated section.
    public static var sections: [Section] {
        [
            Section(document: "docs/SWEEP_FILES.md", name: "experiment keys", table: sweepFileTable),
            Section(document: "README.md", name: "experiment options", table: readmeTable),
        ]
    }

    /// docs/SWEEP_FILES.md, "Experiment keys": every key `experiment:` and `grid:` accept.
    public static var sweepFileTable: String {
        var lines = ["| key | type | default | unit / meaning | accepted |", "|---|---|---|---|---|"]
        for key in ExperimentKey.allCases {
            let option = key.option
            lines.append(row(["`\(option.key)`", option.kind.documentation, option.defaultText, option.meaning, option.accepted]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// README.md, "Definition and defaults": every experiment option with its flag.
    public static var readmeTable: String {
        var lines = ["| parameter (file key / CLI option) | default | meaning |", "|---|---|---|"]
        for option in ExperimentConfig.options {
            lines.append(row(["`\(option.key)` / `\(option.flag)`", option.defaultText, option.meaning]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One Markdown table row; a `|` inside a cell is escaped.
    private static func row(_ cells: [String]) -> String {
        let escaped = cells.map { cell in cell.isEmpty ? " " : " " + cell.replacingOccurrences(of: "|", with: "\\|") + " " }
        return "|" + escaped.joined(separator: "|") + "|"
    }
}
