import Foundation

/// Finds `clustersweep` command lines in shell scripts, unit files, Containerfiles and Markdown
/// code blocks, so that each can be checked against `CommandLineSpec`.
///
/// A literal `clustersweep` (or a path ending in `bin/clustersweep`, `release/clustersweep`,
/// `debug/clustersweep`) counts as the program when the next word looks like a subcommand or an
/// option and the word before it is not an option (whose value it would be), which keeps
/// `useradd ... clustersweep`, `-g clustersweep /etc/...` or `kubectl -n clustersweep get` out. The variable
/// `$CLUSTERSWEEP` always counts. Scripts given to `sh -c`/`bash -c` and `$( ... )` substitutions
/// are searched too.
enum InvocationFinder {
    /// One command line found: the words after the program, where it was, and the program word.
    struct Invocation: Sendable, CustomStringConvertible {
        var program: String
        var arguments: [String]
        var location: String

        var description: String { "\(location): \(program) \(arguments.joined(separator: " "))" }
    }

    /// Whether `word` names the clustersweep binary, and whether it is the variable form.
    static func programKind(_ word: String) -> (isProgram: Bool, isVariable: Bool) {
        if word == "$CLUSTERSWEEP" || word == "${CLUSTERSWEEP}" { return (true, true) }
        if word == "clustersweep" { return (true, false) }
        for suffix in ["bin/clustersweep", "release/clustersweep", "debug/clustersweep"] where word.hasSuffix(suffix) {
            return (true, false)
        }
        return (false, false)
    }

    /// Whether `word` could be what follows the program in a real invocation.
    private static func looksLikeArgument(_ word: String) -> Bool {
        if word.hasPrefix("-") { return true }
        guard let first = word.first, first.isLowercase else { return false }
        return word.allSatisfy { $0.isLowercase || $0 == "-" }
    }

    /// The invocations in shell text; `location` prefixes each one's line number.
    static func invocations(inShell text: String, location: String, firstLine: Int = 1) -> [Invocation] {
        let words = ShellWords.split(text)
        var found: [Invocation] = []
        for (index, word) in words.enumerated() where !word.isOperator {
            let line = firstLine + word.line - 1
            // Scripts run by a shell, and command substitutions, are searched in turn.
            if index >= 2, words[index - 1].text == "-c", ["sh", "bash", "/bin/sh", "/bin/bash"].contains(words[index - 2].text) {
                found += invocations(inShell: word.text, location: location, firstLine: line)
                continue
            }
            for substitution in ShellWords.commandSubstitutions(in: word.text) {
                found += invocations(inShell: substitution, location: location, firstLine: line)
            }
            let kind = programKind(word.text)
            guard kind.isProgram else { continue }
            // `-n clustersweep`, `-g clustersweep`: the value of another program's option.
            if !kind.isVariable, index >= 1, !words[index - 1].isOperator, words[index - 1].text.hasPrefix("-") { continue }
            var arguments: [String] = []
            var next = index + 1
            while next < words.count, !words[next].isOperator {
                arguments.append(words[next].text)
                next += 1
            }
            if !kind.isVariable {
                guard let first = arguments.first, looksLikeArgument(first) else { continue }
            }
            found.append(Invocation(program: word.text, arguments: arguments, location: "\(location):\(line)"))
        }
        return found
    }

    /// The invocations in a systemd unit's `Exec...=` lines.
    static func invocations(inUnit text: String, location: String) -> [Invocation] {
        var found: [Invocation] = []
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("Exec"), let equals = line.firstIndex(of: "=") else { continue }
            let command = line[line.index(after: equals)...].drop { "@-:+!".contains($0) }
            found += invocations(inShell: String(command), location: location, firstLine: offset + 1)
        }
        return found
    }

    /// The invocations in a Markdown file's fenced code blocks (shell, or no language).
    static func invocations(inMarkdown text: String, location: String) -> [Invocation] {
        var found: [Invocation] = []
        var block: [Substring] = []
        var blockStart = 0
        var inShellBlock = false
        var inOtherBlock = false
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                if inShellBlock {
                    found += invocations(inShell: block.joined(separator: "\n"), location: location, firstLine: blockStart)
                    block = []
                    inShellBlock = false
                } else if inOtherBlock {
                    inOtherBlock = false
                } else {
                    let language = trimmed.dropFirst(3).trimmingCharacters(in: .whitespaces)
                    if ["", "sh", "bash", "shell", "console"].contains(language) {
                        inShellBlock = true
                        blockStart = offset + 2
                    } else {
                        inOtherBlock = true
                    }
                }
            } else if inShellBlock {
                block.append(line)
            }
        }
        return found
    }
}
