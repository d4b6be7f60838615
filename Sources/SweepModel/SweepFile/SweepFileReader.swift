import TrainingCore
import Yams
import Foundation

/// Reads a composed YAML tree into a `SweepSpec`, collecting every problem with the line, column
/// and key path of the node it concerns.
///
/// It walks the nodes itself instead of going through `Codable`, because decoding errors carry a
/// coding path but no position; walking keeps each node's `mark` at hand.
struct SweepFileReader {
    let file: String
    private(set) var problems: [SweepFileProblem] = []

    /// Where each `experiment:` value was written (the value node).
    var experimentNodes: [ExperimentKey: Node] = [:]
    /// Where each accepted grid value was written (parallel to the axis's `values`): the element
    /// node and its index in the file's list.
    var gridValueSources: [ExperimentKey: [(node: Node, index: Int)]] = [:]
    /// Where each grid axis's key was written.
    var gridKeyNodes: [ExperimentKey: Node] = [:]
    var rootNode: Node?

    init(file: String) {
        self.file = file
    }

    /// The keys a sweep file's top level accepts.
    enum TopLevelKey: String, CaseIterable {
        case version, name, description, kind, experiment, grid, seeds
        case maxAttempts = "max_attempts"
        case jobTimeoutSeconds = "job_timeout_seconds"
    }

    /// Longest accepted `name`, in characters.
    static let maxNameLength = 200
    /// Longest accepted `description`, in characters.
    static let maxDescriptionLength = 2000

    // MARK: - Problems

    mutating func report(_ node: Node?, _ path: String?, _ reason: String) {
        let mark = node?.mark ?? rootNode?.mark
        problems.append(SweepFileProblem(file: file, line: mark?.line, column: mark?.column, keyPath: path, reason: reason))
    }

    /// Problems in the order of the text, duplicates removed.
    var sortedProblems: [SweepFileProblem] {
        var seen = Set<SweepFileProblem>()
        let unique = problems.filter { seen.insert($0).inserted }
        return unique.enumerated().sorted { a, b in
            let keyA = (a.element.line ?? Int.max, a.element.column ?? Int.max, a.offset)
            let keyB = (b.element.line ?? Int.max, b.element.column ?? Int.max, b.offset)
            return keyA < keyB
        }.map(\.element)
    }

    // MARK: - Mappings

    /// The entries of a mapping whose keys are words; a problem for anything else.
    mutating func entries(of node: Node, _ path: String, what: String) -> [(name: String, key: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            report(node, path.isEmpty ? nil : path, "\(what) must be a mapping of keys to values (got \(Self.describe(node)))")
            return nil
        }
        var result: [(name: String, key: Node, value: Node)] = []
        var seen: [String: Node] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key, !scalar.string.isEmpty else {
                report(key, path.isEmpty ? nil : path, "keys must be words (got \(Self.describe(key)))")
                continue
            }
            let name = scalar.string
            let keyPath = path.isEmpty ? name : "\(path).\(name)"
            if let earlier = seen[name] {
                report(key, keyPath, "duplicate key (first at line \(earlier.mark?.line ?? 0))")
                continue
            }
            seen[name] = key
            result.append((name, key, value))
        }
        return result
    }

    /// "unknown key 'x'" with a suggestion among `known` and a hint when `x` belongs elsewhere.
    mutating func reportUnknownKey(_ name: String, at key: Node, _ path: String, known: [String], elsewhere: String?) {
        var reason = "unknown key '\(name)'"
        if let suggestion = KeySuggestion.closest(to: name, among: known) {
            reason += "; did you mean '\(suggestion)'?"
        } else if let elsewhere {
            reason += "; \(elsewhere)"
        } else {
            reason += " (known: \(known.joined(separator: ", ")))"
        }
        report(key, path, reason)
    }

    // MARK: - The document

    mutating func read(root: Node) -> SweepSpec? {
        rootNode = root
        guard let top = entries(of: root, "", what: "a sweep file") else { return nil }
        var values: [TopLevelKey: (key: Node, value: Node)] = [:]
        var unknown: [(name: String, key: Node)] = []
        for (name, key, value) in top {
            if let known = TopLevelKey(rawValue: name) {
                values[known] = (key, value)
            } else {
                unknown.append((name, key))
            }
        }

        // The version decides how to read the rest: a file of another version is not judged further.
        guard let version = values[.version] else {
            report(root, nil, "missing key 'version' (supported: \(Self.supportedVersionsText))")
            reportUnknownTopLevelKeys(unknown)  // one of them may be the misspelt version
            return nil
        }
        guard let number = readInteger(version.value, "version") else { return nil }
        guard SweepSpec.supportedVersions.contains(number) else {
            report(version.value, "version", "unsupported version \(number) (supported: \(Self.supportedVersionsText))")
            return nil
        }

        reportUnknownTopLevelKeys(unknown)

        var spec = SweepSpec(name: "")
        spec.version = number
        if let name = values[.name] {
            if let text = readWord(name.value, "name") {
                if text.count > Self.maxNameLength {
                    report(name.value, "name", "must be at most \(Self.maxNameLength) characters (got \(text.count))")
                } else if text.contains(where: \.isNewline) || text.allSatisfy(\.isWhitespace) {
                    report(name.value, "name", "must be one line of text that is not blank")
                } else {
                    spec.name = text
                }
            }
        } else {
            report(root, nil, "missing key 'name' (e.g. name: dimension-sweep)")
        }
        if let description = values[.description], let text = readWord(description.value, "description") {
            if text.count > Self.maxDescriptionLength {
                report(description.value, "description", "must be at most \(Self.maxDescriptionLength) characters (got \(text.count))")
            } else {
                spec.description = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        if let kind = values[.kind] {
            let names = JobKind.allCases.map(\.rawValue)
            spec.kind = readChoice(kind.value, "kind", names: names, make: JobKind.init(rawValue:)) ?? spec.kind
        }
        if let experiment = values[.experiment] {
            spec.experiment = readExperiment(experiment.value)
        }
        if let grid = values[.grid] {
            spec.grid = readGrid(grid.value)
        }
        if let seeds = values[.seeds] {
            spec.seeds = readSeeds(seeds.value) ?? spec.seeds
        }
        if let attempts = values[.maxAttempts], let value = readInteger(attempts.value, "max_attempts") {
            if (1...SweepSpec.maxAttemptsLimit).contains(value) {
                spec.maxAttempts = value
            } else {
                report(attempts.value, "max_attempts", "must be between 1 and \(SweepSpec.maxAttemptsLimit) (got \(value))")
            }
        }
        if let timeout = values[.jobTimeoutSeconds], let value = readNumber(timeout.value, "job_timeout_seconds") {
            if value > 0, value <= SweepSpec.maxJobTimeoutSeconds {
                spec.jobTimeoutSeconds = value
            } else {
                report(timeout.value, "job_timeout_seconds",
                       "must be > 0 and at most \(Int(SweepSpec.maxJobTimeoutSeconds)) seconds (got \(value))")
            }
        }

        checkPlacement(of: spec)
        guard checkJobCount(of: spec, gridNode: values[.grid]?.key, seedsNode: values[.seeds]?.value) else {
            return problems.isEmpty ? spec : nil
        }
        validateExpandedConfigs(of: spec)
        return problems.isEmpty ? spec : nil
    }

    private mutating func reportUnknownTopLevelKeys(_ unknown: [(name: String, key: Node)]) {
        for (name, key) in unknown {
            let hint: String? =
                name == "seed" ? "write seeds: 0..9 or seeds: [0, 1]"
                : ExperimentKey(rawValue: name) != nil ? "'\(name)' belongs under experiment: or grid:"
                : nil
            reportUnknownKey(name, at: key, name, known: TopLevelKey.allCases.map(\.rawValue), elsewhere: hint)
        }
    }

    private static var supportedVersionsText: String {
        SweepSpec.supportedVersions.map(String.init).joined(separator: ", ")
    }

    // MARK: - Sections

    private mutating func readExperiment(_ node: Node) -> [ExperimentSetting] {
        if case .scalar(let scalar) = node, scalar.style == .plain, scalar.string.isEmpty { return [] }
        guard let items = entries(of: node, "experiment", what: "experiment") else { return [] }
        var settings: [ExperimentSetting] = []
        for (name, key, value) in items {
            let path = "experiment.\(name)"
            guard let experimentKey = ExperimentKey(rawValue: name) else {
                let hint: String? =
                    name == "seed" ? "seeds are set per job by the top-level seeds: (e.g. seeds: [\(Self.describe(value))])"
                    : TopLevelKey(rawValue: name) != nil ? "'\(name)' belongs at the top level, not under experiment:"
                    : nil
                let known = ExperimentKey.allCases.map(\.rawValue)
                if name == "seed" || TopLevelKey(rawValue: name) != nil {
                    report(key, path, "unknown key '\(name)'; \(hint ?? "")")
                } else {
                    reportUnknownKey(name, at: key, path, known: known, elsewhere: hint)
                }
                continue
            }
            experimentNodes[experimentKey] = value
            if let setting = readSetting(experimentKey, value, path) {
                settings.append(setting)
            }
        }
        return settings
    }

    private mutating func readGrid(_ node: Node) -> [GridAxis] {
        guard let items = entries(of: node, "grid", what: "grid") else { return [] }
        if items.isEmpty {
            report(node, "grid", "is empty; give at least one key with a list of values, or remove grid: to run one job per seed")
        }
        var axes: [GridAxis] = []
        for (name, key, value) in items {
            let path = "grid.\(name)"
            guard let experimentKey = ExperimentKey(rawValue: name) else {
                if name == "seed" {
                    report(key, path, "seeds are not a grid axis; use the top-level seeds: (e.g. seeds: 0..9)")
                } else {
                    let hint = TopLevelKey(rawValue: name) != nil ? "'\(name)' belongs at the top level, not under grid:" : nil
                    reportUnknownKey(name, at: key, path, known: ExperimentKey.allCases.map(\.rawValue), elsewhere: hint)
                }
                continue
            }
            gridKeyNodes[experimentKey] = key
            guard case .sequence(let sequence) = value else {
                let example = experimentKey.option.kind == .integerList ? "[[16, 16], [32, 32]]" : "[2, 3]"
                report(value, path, "must be a list of values, e.g. \(example) (got \(Self.describe(value)))")
                continue
            }
            if sequence.isEmpty {
                report(value, path, "is an empty list; give at least one value")
                continue
            }
            // Values that fail are reported and left out; the rest are still judged.
            var values: [ExperimentSetting] = []
            var sources: [(node: Node, index: Int)] = []
            var firstIndex: [ExperimentSetting: Int] = [:]
            for (index, element) in sequence.enumerated() {
                let elementPath = "\(path)[\(index)]"
                guard let setting = readSetting(experimentKey, element, elementPath) else { continue }
                if let earlier = firstIndex[setting] {
                    report(element, elementPath, "duplicate value (same as \(path)[\(earlier)]); each grid point must be distinct")
                    continue
                }
                firstIndex[setting] = index
                values.append(setting)
                sources.append((element, index))
            }
            gridValueSources[experimentKey] = sources
            if !values.isEmpty { axes.append(GridAxis(key: experimentKey, values: values)) }
        }
        return axes
    }

    private mutating func readSeeds(_ node: Node) -> [UInt64]? {
        let usage = "write an inclusive range like 0..9 or a list like [0, 1, 2]"
        switch node {
        case .scalar(let scalar):
            let text = scalar.string
            let parts = text.components(separatedBy: "..")
            if parts.count == 2, let low = Self.decimalInteger(parts[0].trimmingCharacters(in: .whitespaces)),
                let high = Self.decimalInteger(parts[1].trimmingCharacters(in: .whitespaces))
            {
                guard low >= 0, high >= 0 else {
                    report(node, "seeds", "seeds must be non-negative (got \(text))")
                    return nil
                }
                guard low <= high else {
                    report(node, "seeds", "the range \(text) is empty; the first seed must not exceed the last")
                    return nil
                }
                guard high - low < SweepSpec.maxJobs else {
                    report(node, "seeds", "the range \(text) has \(high - low + 1) seeds; the limit is \(SweepSpec.maxJobs) jobs")
                    return nil
                }
                return (low...high).map { UInt64($0) }
            }
            if let single = Self.decimalInteger(text), scalar.style == .plain {
                report(node, "seeds", "\(usage) (got \(single); for \(single) seeds write 0..\(max(single - 1, 0)), for seed \(single) alone write [\(single)])")
            } else {
                report(node, "seeds", "\(usage) (got \(Self.describe(node)))")
            }
            return nil
        case .sequence(let sequence):
            if sequence.isEmpty {
                report(node, "seeds", "is an empty list; give at least one seed")
                return nil
            }
            var seeds: [UInt64] = []
            var firstIndex: [UInt64: Int] = [:]
            var complete = true
            for (index, element) in sequence.enumerated() {
                let path = "seeds[\(index)]"
                guard let value = readInteger(element, path) else {
                    complete = false
                    continue
                }
                guard value >= 0 else {
                    report(element, path, "seeds must be non-negative (got \(value))")
                    complete = false
                    continue
                }
                if let earlier = firstIndex[UInt64(value)] {
                    report(element, path, "duplicate seed \(value) (same as seeds[\(earlier)])")
                    complete = false
                    continue
                }
                firstIndex[UInt64(value)] = index
                seeds.append(UInt64(value))
            }
            return complete ? seeds : nil
        default:
            report(node, "seeds", "\(usage) (got \(Self.describe(node)))")
            return nil
        }
    }

    // MARK: - Whole-file checks

    /// A key set in both `experiment:` and `grid:`, and job switches that do not fit the kind.
    private mutating func checkPlacement(of spec: SweepSpec) {
        for axis in spec.grid {
            if let earlier = experimentNodes[axis.key] {
                report(gridKeyNodes[axis.key], "grid.\(axis.key.rawValue)",
                       "also set in experiment: (line \(earlier.mark?.line ?? 0)); set each key in one place")
            }
        }
        if spec.kind != .sleep {
            let sleepMs = ExperimentKey(rawValue: "sleep_ms")
            if let node = sleepMs.flatMap({ experimentNodes[$0] }) {
                report(node, "experiment.sleep_ms", "applies only to kind: sleep (this sweep's kind is \(spec.kind.rawValue))")
            }
            if let node = sleepMs.flatMap({ gridKeyNodes[$0] }) {
                report(node, "grid.sleep_ms", "applies only to kind: sleep (this sweep's kind is \(spec.kind.rawValue))")
            }
        }
    }

    /// Refuses plans beyond `SweepSpec.maxJobs`; returns whether the plan is small enough to expand.
    private mutating func checkJobCount(of spec: SweepSpec, gridNode: Node?, seedsNode: Node?) -> Bool {
        var count = spec.seeds.count
        var overflow = false
        for axis in spec.grid {
            let (product, didOverflow) = count.multipliedReportingOverflow(by: axis.values.count)
            count = product
            overflow = overflow || didOverflow
        }
        guard overflow || count > SweepSpec.maxJobs else { return true }
        let size = overflow ? "more than \(Int.max)" : "\(count)"
        report(gridNode ?? seedsNode, gridNode == nil ? "seeds" : "grid",
               "the plan has \(size) jobs; the limit is \(SweepSpec.maxJobs)")
        return false
    }
}
