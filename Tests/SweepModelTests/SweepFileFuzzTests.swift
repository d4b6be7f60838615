import Foundation
import Testing
@testable import SweepModel
import TrainingCore

/// Thousands of mutated shipped configs (seeded, so a failure reproduces): the parser never
/// crashes and either returns a valid spec or an error located in the text with a reason.
@Suite struct SweepFileFuzzTests {
    /// SplitMix64: a tiny seeded generator, so the mutations are the same on every run.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let replacementValues = [
        "[]", "{}", "'x'", "\"2\"", "-1", "0", "1e308", "1e-400", "true", "null", "~", "[1, [2]]",
        "99999999999999999999", ".nan", "-.inf", "0x10", "1:30", "0..0", "5..1", "[0, 0]", "\"\"", "|\n  text",
        "{a: 1}", "2.5", "&a 1", "*a", "!!str 3", "é", "[[16, 16], [0]]",
    ]
    static let insertions: [String] = Array(":[]{},-\"'#&*!|>?%@` \t\n0123456789.eE_xyz").map(String.init)
        + ["\u{00}", "\u{FEFF}", "é", "\r\n"]

    static func mutate(_ text: String, using rng: inout SplitMix64) -> String {
        var characters = Array(text)
        var lines = text.components(separatedBy: "\n")
        switch rng.next() % 9 {
        case 0 where !characters.isEmpty:  // delete a character
            characters.remove(at: Int(rng.next() % UInt64(characters.count)))
            return String(characters)
        case 1 where !characters.isEmpty:  // duplicate a character
            let i = Int(rng.next() % UInt64(characters.count))
            characters.insert(characters[i], at: i)
            return String(characters)
        case 2 where characters.count > 1:  // swap two neighbours
            let i = Int(rng.next() % UInt64(characters.count - 1))
            characters.swapAt(i, i + 1)
            return String(characters)
        case 3:  // insert a syntax character
            let i = Int(rng.next() % UInt64(characters.count + 1))
            characters.insert(contentsOf: Array(insertions[Int(rng.next() % UInt64(insertions.count))]), at: i)
            return String(characters)
        case 4 where !lines.isEmpty:  // delete a line
            lines.remove(at: Int(rng.next() % UInt64(lines.count)))
        case 5 where !lines.isEmpty:  // duplicate a line
            let i = Int(rng.next() % UInt64(lines.count))
            lines.insert(lines[i], at: Int(rng.next() % UInt64(lines.count + 1)))
        case 6 where lines.count > 1:  // swap two lines
            lines.swapAt(Int(rng.next() % UInt64(lines.count)), Int(rng.next() % UInt64(lines.count)))
        case 7 where !lines.isEmpty:  // change a value's type
            let i = Int(rng.next() % UInt64(lines.count))
            if let colon = lines[i].firstIndex(of: ":") {
                let value = replacementValues[Int(rng.next() % UInt64(replacementValues.count))]
                lines[i] = String(lines[i][...colon]) + " " + value
            }
        default:  // truncate
            return String(characters.prefix(Int(rng.next() % UInt64(characters.count + 1))))
        }
        return lines.joined(separator: "\n")
    }

    @Test func mutatedConfigs_neverCrashAndAlwaysExplain() throws {
        let seed: UInt64 = 20_261_129
        var rng = SplitMix64(state: seed)
        let corpus = try ShippedConfigs.all()
        #expect(!corpus.isEmpty)
        let cases = 3000
        var valid = 0
        var refused = 0
        for _ in 0..<cases {
            let (name, original) = corpus[Int(rng.next() % UInt64(corpus.count))]
            var text = original
            for _ in 0...(rng.next() % 3) {
                text = Self.mutate(text, using: &rng)
            }
            // Lines as YAML counts them: \r\n, \r, \n and the Unicode breaks end a line.
            let lineCount = 1 + text.replacingOccurrences(of: "\r\n", with: "\n").unicodeScalars
                .filter { ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains($0) }.count
            do throws(SweepFileError) {
                let spec = try SweepFile.parse(text: text, sourceName: name)
                valid += 1
                #expect(spec.jobCount >= 1, "seed \(seed): an accepted file plans no job\n---\n\(text)")
                #expect(spec.jobCount <= SweepSpec.maxJobs)
                // Accepting is a pure function of the text: the same text parses to the same spec.
                let again = try SweepFile.parse(text: text, sourceName: name)
                #expect(again == spec, "seed \(seed)\n---\n\(text)")
                if spec.jobCount <= 200 {
                    let jobs = spec.plan()
                    #expect(jobs.count == spec.jobCount)
                    #expect(jobs.allSatisfy { $0.parameters.experiment.validationProblems().isEmpty })
                }
            } catch {
                refused += 1
                // The typed error names the file and the first problem's line, the way editors read it.
                #expect(!error.problems.isEmpty, "seed \(seed): an error without a problem\n---\n\(text)")
                #expect(error.description.hasPrefix("\(name):\(error.line ?? 0)"), "seed \(seed): \(error)\n---\n\(text)")
                for problem in error.problems {
                    #expect(problem.file == name, "seed \(seed): \(problem)\n---\n\(text)")
                    #expect(!problem.reason.isEmpty, "seed \(seed): \(problem)\n---\n\(text)")
                    let line = try #require(problem.line, "seed \(seed): unlocated \(problem)\n---\n\(text)")
                    #expect((1...lineCount + 1).contains(line), "seed \(seed): \(problem)\n---\n\(text)")
                    #expect((problem.column ?? 1) >= 1)
                }
            }
        }
        print("sweep-file fuzz: seed \(seed), \(cases) cases, \(valid) valid, \(refused) refused, 0 crashes")
        #expect(valid + refused == cases)
        #expect(refused > cases / 4, "the mutations should break most files")
        #expect(valid > 10, "some mutations (comments, whitespace) leave files valid")
    }
}
