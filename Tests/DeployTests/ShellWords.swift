/// Splits shell-like text into words and control operators, the way `sh` would before expansion.
///
/// Enough of POSIX shell for deploy scripts and unit files: single and double quotes, backslash
/// escapes and line continuations, `#` comments, and the operators `; & && | || ( )` and
/// redirections. `$(`, `${` and `$((` stay inside the word they start. Quotes are removed; a
/// quoted word keeps its spaces and newlines (so `bash -c '...'` arrives as one word).
enum ShellWords {
    /// One word, or a control operator / redirection (`isOperator`), with its 1-based line.
    struct Word: Equatable, Sendable {
        var text: String
        var isOperator: Bool
        var line: Int
    }

    /// The text inside each `$( ... )` of `word` (outermost ones only), to be split in turn.
    static func commandSubstitutions(in word: String) -> [String] {
        var results: [String] = []
        let characters = Array(word)
        var index = 0
        while index + 1 < characters.count {
            guard characters[index] == "$", characters[index + 1] == "(" else {
                index += 1
                continue
            }
            var depth = 1
            var end = index + 2
            var quote: Character?
            while end < characters.count, depth > 0 {
                let character = characters[end]
                if let open = quote {
                    if character == open { quote = nil }
                } else if character == "'" || character == "\"" {
                    quote = character
                } else if character == "(" {
                    depth += 1
                } else if character == ")" {
                    depth -= 1
                }
                end += 1
            }
            results.append(String(characters[(index + 2)..<max(index + 2, end - 1)]))
            index = end
        }
        return results
    }

    /// The words of `text`, in order.
    static func split(_ text: String) -> [Word] {
        var words: [Word] = []
        var current = ""
        var hasWord = false
        var line = 1
        var wordLine = 1
        var nesting = 0  // depth of $( ... ) and ${ ... } inside the current word
        let characters = Array(text)
        var index = 0

        func finishWord() {
            if hasWord { words.append(Word(text: current, isOperator: false, line: wordLine)) }
            current = ""
            hasWord = false
            nesting = 0
        }
        func startWordIfNeeded() {
            if !hasWord {
                hasWord = true
                wordLine = line
            }
        }

        while index < characters.count {
            let character = characters[index]
            let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
            switch character {
            case _ where nesting > 0:
                // Inside $( ... ) or ${ ... }: everything, quotes included, belongs to the word.
                if character == "'" || character == "\"" {
                    current.append(character)
                    index += 1
                    while index < characters.count, characters[index] != character {
                        if characters[index] == "\n" { line += 1 }
                        current.append(characters[index])
                        index += 1
                    }
                    if index < characters.count { current.append(character) }
                    index += 1
                    continue
                }
                if character == "(" || character == "{" { nesting += 1 }
                if character == ")" || character == "}" { nesting -= 1 }
                if character == "\n" { line += 1 }
                current.append(character)
                index += 1
            case "\\":
                if next == "\n" {
                    line += 1
                    index += 2
                    continue
                }
                startWordIfNeeded()
                if let next { current.append(next) }
                index += 2
            case "'":
                startWordIfNeeded()
                index += 1
                while index < characters.count, characters[index] != "'" {
                    if characters[index] == "\n" { line += 1 }
                    current.append(characters[index])
                    index += 1
                }
                index += 1
            case "\"":
                startWordIfNeeded()
                index += 1
                while index < characters.count, characters[index] != "\"" {
                    if characters[index] == "\\", index + 1 < characters.count,
                        "\"\\$`".contains(characters[index + 1])
                    {
                        index += 1
                    }
                    if characters[index] == "\n" { line += 1 }
                    current.append(characters[index])
                    index += 1
                }
                index += 1
            case "$" where next == "(" || next == "{":
                startWordIfNeeded()
                current.append(character)
                if let next { current.append(next) }
                nesting += 1
                index += 2
            case " ", "\t":
                finishWord()
                index += 1
            case "\n":
                finishWord()
                words.append(Word(text: "\n", isOperator: true, line: line))
                line += 1
                index += 1
            case "#" where !hasWord:
                while index < characters.count, characters[index] != "\n" { index += 1 }
            case ";", "&", "|", "(", ")", "<", ">":
                // A redirection like 2>&1: the digits before it belong to the operator.
                let isRedirection = character == ">" || character == "<"
                if isRedirection, hasWord, current.allSatisfy(\.isNumber) {
                    current = ""
                    hasWord = false
                } else {
                    finishWord()
                }
                var op = String(character)
                if let next, next == character || (character == ">" && next == "&") || (character == "&" && next == ">") {
                    op.append(next)
                    index += 1
                }
                words.append(Word(text: op, isOperator: true, line: line))
                index += 1
            default:
                startWordIfNeeded()
                current.append(character)
                index += 1
            }
        }
        finishWord()
        return words
    }
}
