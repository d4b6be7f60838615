/// A pass over the raw text before the YAML parser sees it, refusing what could make the parser
/// itself misbehave: nesting deep enough to exhaust the stack of Yams' recursive composer, and
/// anchors or aliases (an alias used as a mapping key is hashed in full by Yams, which a
/// "billion laughs" file turns into exponential work). Sweep files need neither.
///
/// The nesting estimate is an upper bound on the real depth, whatever the text: twice the open
/// indentation levels of every line (a block list may share its parent key's indentation), plus
/// leading `- ` / `? ` indicators, plus one for a mapping on the line, plus every `[` and `{` so
/// far less the `]` and `}` seen outside quotes and comments. Quotes are taken to open wherever a
/// quoted scalar could start (a superset of where one does), so a misread quote only raises the
/// estimate.
enum TextPrescan {
    struct Finding: Equatable {
        var line: Int
        var column: Int
        var reason: String
    }

    static func firstProblem(in text: String, maxNesting: Int) -> Finding? {
        var indents: [Int] = []
        var flowDepth = 0
        var quote: Character?  // the open quote, when a quoted scalar spans lines
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let characters = Array(line)
            var position = 0
            var blockDepth = 0
            do {
                while position < characters.count, characters[position] == " " { position += 1 }
                let isContent = position < characters.count && characters[position] != "#" && characters[position] != "\r"
                if isContent {
                    while let last = indents.last, last > position { indents.removeLast() }
                    if indents.last != position { indents.append(position) }
                    var indicators = 0
                    var scan = position
                    while scan + 1 < characters.count, characters[scan] == "-" || characters[scan] == "?",
                        characters[scan + 1] == " "
                    {
                        indicators += 1
                        scan += 2
                        while scan < characters.count, characters[scan] == " " { scan += 1 }
                    }
                    blockDepth = 2 * indents.count + indicators + 1
                }
            }
            var previous: Character = " "
            while position < characters.count {
                let character = characters[position]
                defer {
                    previous = character
                    position += 1
                }
                if let open = quote {
                    if open == "\"", character == "\\" {
                        position += 1  // skip the escaped character
                    } else if open == "'", character == "'", position + 1 < characters.count,
                        characters[position + 1] == "'"
                    {
                        position += 1  // '' is an escaped quote
                    } else if character == open {
                        quote = nil
                    } else if character == "[" || character == "{" {
                        // Counted even inside quotes, so a quote the scan mistook cannot hide nesting.
                        flowDepth += 1
                    }
                    continue
                }
                let startsToken = position == 0 || " \t[{,:".contains(previous)
                if character == "#", previous == " " || previous == "\t" || position == 0 {
                    position = characters.count
                } else if character == "\"" || character == "'", startsToken {
                    quote = character
                } else if character == "[" || character == "{" {
                    flowDepth += 1
                    if blockDepth + flowDepth > maxNesting {
                        return Finding(line: lineNumber, column: position + 1,
                                       reason: "lists and mappings are nested more than \(maxNesting) deep")
                    }
                } else if character == "]" || character == "}" {
                    flowDepth = max(0, flowDepth - 1)
                } else if character == "&" || character == "*", startsToken {
                    return Finding(line: lineNumber, column: position + 1,
                                   reason: "anchors and aliases (&name, *name) are not supported in sweep files")
                }
            }
            if blockDepth + flowDepth > maxNesting {
                return Finding(line: lineNumber, column: 1,
                               reason: "lists and mappings are nested more than \(maxNesting) deep")
            }
        }
        return nil
    }
}
