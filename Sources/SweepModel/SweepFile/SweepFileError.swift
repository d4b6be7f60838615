/// One thing wrong with a sweep file, located as precisely as the text allows: the file, the
/// line and column (1-based, columns in Unicode scalars) and the key path (`grid.dimension[2]`).
public struct SweepFileProblem: Sendable, Hashable, CustomStringConvertible {
    /// The file name as given to the parser, e.g. `configs/paper.yaml`.
    public var file: String
    /// `nil` only when the problem has no place in the text (an unreadable file).
    public var line: Int?
    public var column: Int?
    /// Dotted path with list indices, e.g. `grid.dimension[2]`; `nil` for syntax errors.
    public var keyPath: String?
    public var reason: String

    public init(file: String, line: Int?, column: Int?, keyPath: String?, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.reason = reason
    }

    /// `file:line:column: key.path: reason`, the shape compilers use, so editors can jump to it.
    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if let keyPath { text += "\(keyPath): " }
        return text + reason
    }
}

/// Why a sweep file was refused: every problem found, in the order of the text.
///
/// The properties `file`, `line`, `column`, `keyPath` and `reason` describe the first problem;
/// `problems` lists them all. `description` prints one per line.
public struct SweepFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var first: SweepFileProblem
    public var rest: [SweepFileProblem]

    public init(_ first: SweepFileProblem, _ rest: [SweepFileProblem] = []) {
        self.first = first
        self.rest = rest
    }

    /// Every problem, the first one first.
    public var problems: [SweepFileProblem] { [first] + rest }

    public var file: String { first.file }
    public var line: Int? { first.line }
    public var column: Int? { first.column }
    public var keyPath: String? { first.keyPath }
    public var reason: String { first.reason }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
