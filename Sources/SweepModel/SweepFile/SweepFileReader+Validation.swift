import TrainingCore
import Yams

// MARK: - Judging every expanded job
//
// `ExperimentConfig.validationProblems()` judges each grid point's configuration (seeds do not
// change validity), and each `ConfigProblem.field` is mapped back to the node its value came
// from: the grid entry if the grid set it, else the `experiment:` entry.

extension SweepFileReader {
    mutating func validateExpandedConfigs(of spec: SweepSpec) {
        let base = spec.baseParameters()
        var choice = [Int](repeating: 0, count: spec.grid.count)
        var reported = Set<String>()
        while true {
            var parameters = base
            for (axis, index) in zip(spec.grid, choice) {
                axis.values[index].apply(to: &parameters)
            }
            for problem in parameters.experiment.validationProblems() {
                let (node, path, reason) = locate(problem, in: spec, choice: choice)
                let identity = "\(node?.mark?.description ?? "-") \(path) \(reason)"
                if reported.insert(identity).inserted {
                    report(node, path, reason)
                }
            }
            // Advance the mixed-radix counter (last axis fastest); stop after the last point.
            var axis = spec.grid.count - 1
            while axis >= 0 {
                choice[axis] += 1
                if choice[axis] < spec.grid[axis].values.count { break }
                choice[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }

    /// The node, key path and reason under which to show `problem` of the grid point `choice`.
    private func locate(_ problem: ConfigProblem, in spec: SweepSpec, choice: [Int]) -> (Node?, String, String) {
        let field = problem.field
        let baseName = String(field.prefix { $0 != "[" })
        let elementIndex = field.firstIndex(of: "[").flatMap { open in
            Int(field[field.index(after: open)...].prefix { $0 != "]" })
        }
        // The field's own key, then the keys its default or validity depends on (`classes` on
        // `points`, `threshold` on `metric`): a problem with a value left at its default is best
        // shown where the value it clashes with was written.
        let own = ExperimentKey(rawValue: baseName)
        let related = (own?.option.relatedKeys ?? ExperimentConfig.option(baseName)?.relatedKeys ?? []).compactMap(ExperimentKey.init(rawValue:))
        let candidates = (own.map { [$0] } ?? []) + related
        for key in candidates {
            var node: Node?
            var path: String
            if let axis = spec.grid.firstIndex(where: { $0.key == key }), let sources = gridValueSources[key],
                choice[axis] < sources.count
            {
                node = sources[choice[axis]].node
                path = "grid.\(key.rawValue)[\(sources[choice[axis]].index)]"
            } else if let experimentNode = experimentNodes[key] {
                node = experimentNode
                path = "experiment.\(key.rawValue)"
            } else {
                continue
            }
            guard key.rawValue == baseName else {
                return (node, path, "\(field) \(problem.reason)")
            }
            if let elementIndex, case .sequence(let sequence) = node, elementIndex < sequence.count {
                node = Array(sequence)[elementIndex]
                path += "[\(elementIndex)]"
            }
            return (node, path, problem.reason)
        }
        return (rootNode, "experiment.\(field)", "\(problem.reason) (the default value)")
    }
}
