import Foundation
import Testing
import TrainingCore
@testable import SweepModel

/// The option tables of docs/SWEEP_FILES.md and README.md are rendered from the declarations;
/// this keeps the checked-in text equal to the rendering. After changing an option, run
/// `CLUSTERSWEEP_UPDATE_DOCS=1 swift test --filter OptionDocumentationTests` and review the diff.
@Suite struct OptionDocumentationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var updating: Bool { ProcessInfo.processInfo.environment["CLUSTERSWEEP_UPDATE_DOCS"] == "1" }

    @Test(arguments: OptionDocumentation.sections.map(\.name))
    func documentedTable_isTheRenderedDeclaration(name: String) throws {
        let section = try #require(OptionDocumentation.sections.first { $0.name == name })
        let url = Self.root.appendingPathComponent(section.document)
        let text = try String(contentsOf: url, encoding: .utf8)
        let expected = try #require(section.replacing(in: text), "\(section.document) lacks the markers \(section.begin) ... \(section.end)")
        if Self.updating, expected != text {
            try Data(expected.utf8).write(to: url)
        }
        let current = try #require(section.current(in: try String(contentsOf: url, encoding: .utf8)))
        #expect(current == section.table, """
            \(section.document): the \(name) table differs from the option declarations; regenerate it with \
            CLUSTERSWEEP_UPDATE_DOCS=1 swift test --filter OptionDocumentationTests and review the diff
            """)
    }

    @Test func tables_haveARowPerOption() {
        let sweepRows = OptionDocumentation.sweepFileTable.split(separator: "\n").dropFirst(2)
        #expect(sweepRows.map { $0.split(separator: "`")[1] }.map(String.init) == ExperimentKey.allCases.map(\.rawValue))
        let readmeRows = OptionDocumentation.readmeTable.split(separator: "\n").dropFirst(2)
        #expect(readmeRows.count == ExperimentConfig.options.count)
        #expect(OptionDocumentation.sweepFileTable.contains("| `points` | integer | 500 | points N | 1...1,000,000 |"))
    }

    @Test func replacing_needsBothMarkersInOrder() throws {
        let section = try #require(OptionDocumentation.sections.first)
        #expect(section.replacing(in: "no markers") == nil)
        #expect(section.replacing(in: section.end + "\n" + section.begin) == nil)
        #expect(section.replacing(in: "a\n\(section.begin)\nold\n\(section.end)\nb") == "a\n\(section.begin)\n\(section.table)\(section.end)\nb")
    }
}

