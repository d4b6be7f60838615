import Yams

/// Turns Yams' syntax errors into a located `SweepFileProblem` with a readable reason (Yams'
/// own `localizedDescription` says nothing useful).
enum YamlErrorLocation {
    static func problem(from error: YamlError, file: String, text: String) -> SweepFileProblem {
        func located(_ mark: Mark?, _ reason: String) -> SweepFileProblem {
            SweepFileProblem(file: file, line: mark?.line, column: mark?.column, keyPath: nil, reason: reason)
        }
        func located(_ position: (line: Int, column: Int)?, _ reason: String) -> SweepFileProblem {
            SweepFileProblem(file: file, line: position?.line, column: position?.column, keyPath: nil, reason: reason)
        }
        func describe(_ problem: String, _ context: YamlError.Context?) -> String {
            guard let context else { return "invalid YAML: \(problem)" }
            return "invalid YAML: \(problem) (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            // YAML forbids tabs for indentation; Yams only says a character "cannot start any token".
            if Self.isTab(at: mark, in: text) {
                return located(mark, "a tab character: YAML indents with spaces only; replace the tab with spaces")
            }
            return located(mark, describe(problem, context))
        case .reader(let problem, let offset, _, _):
            return located(offset.map { position(atUTF8Offset: $0, in: text) }, "cannot read the text: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return located(context.mark, "duplicate key \(names) in one mapping")
        default:
            return located(Mark?.none, "invalid YAML: \(error)")
        }
    }

    /// Whether the character at `mark` (1-based line and column) is a tab.
    static func isTab(at mark: Mark, in text: String) -> Bool {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line <= lines.count else { return false }
        let scalars = Array(lines[mark.line - 1].unicodeScalars)
        guard mark.column >= 1, mark.column <= scalars.count else { return false }
        return scalars[mark.column - 1] == "\t"
    }

    /// Line and column (1-based, columns in Unicode scalars) of a UTF-8 byte offset.
    static func position(atUTF8Offset offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var consumed = 0
        for scalar in text.unicodeScalars {
            if consumed >= offset { break }
            consumed += String(scalar).utf8.count
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
