/// "Did you mean" for misspelt keys: the closest known key by edit distance, ignoring case and
/// treating `-` like `_`, when it is close enough to be a plausible typo.
enum KeySuggestion {
    /// The candidate closest to `word`, or `nil` when none is within a typo's distance
    /// (at most 1 edit for short words, up to a third of the word's length, at most 3).
    static func closest(to word: String, among candidates: [String]) -> String? {
        let normalized = normalize(word)
        let allowed = max(1, min(3, normalized.count / 3))
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(normalized, normalize(candidate))
            if distance <= allowed, distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    private static func normalize(_ word: String) -> [Character] {
        word.lowercased().map { $0 == "-" || $0 == " " ? "_" : $0 }
    }

    /// Levenshtein distance (insertions, deletions, substitutions), two rows of memory.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
