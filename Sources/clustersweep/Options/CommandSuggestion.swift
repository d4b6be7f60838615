/// "Did you mean" for a mistyped subcommand (`clustersweep submitt`), which swift-argument-parser
/// would only call an unexpected argument.
enum CommandSuggestion {
    /// The message for `arguments` (without the program name) when its first word is not a
    /// subcommand but is close to one; `nil` when it is a subcommand, a flag, or nothing close.
    static func message(for arguments: [String], commands: [String]) -> String? {
        guard let word = arguments.first, !word.hasPrefix("-"), !commands.contains(word) else { return nil }
        let ranked = commands.map { (command: $0, distance: distance(word.lowercased(), $0)) }
            .filter { $0.distance <= max(1, $0.command.count / 3) || $0.command.hasPrefix(word.lowercased()) }
            .sorted { ($0.distance, $0.command) < ($1.distance, $1.command) }
        guard let best = ranked.first else {
            return "unknown command '\(word)'; the commands are: \(commands.joined(separator: ", ")) (see --help)"
        }
        return "unknown command '\(word)'. Did you mean '\(best.command)'?"
    }

    /// Levenshtein distance between two strings.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
