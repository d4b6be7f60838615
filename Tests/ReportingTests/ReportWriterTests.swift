import Foundation
import Testing
@testable import Reporting

@Test func writer_createsDirectoryAndWritesThreeFiles() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let directory = root.appendingPathComponent("nested/out")
    let report = ReportFixtures.smallReport()
    let urls = try ReportWriter.write(report, to: directory)
    #expect(urls.map(\.lastPathComponent) == ["report.json", "report.html", "report.csv"])
    #expect(try SweepReport.decode(Data(contentsOf: urls[0])) == report)
    #expect(try String(contentsOf: urls[2], encoding: .utf8) == ReportCSV.render(report))

    // Writing again replaces the files whole.
    var later = report
    later.generatedAt = report.generatedAt.addingTimeInterval(60)
    try ReportWriter.write(later, to: directory)
    #expect(try SweepReport.decode(Data(contentsOf: urls[0])).generatedAt == later.generatedAt)
}

@Test func writer_throwsTypedError_whenDirectoryIsAFile() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("report-file-\(UUID().uuidString)")
    try Data("x".utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    #expect(throws: ReportError.self) { try ReportWriter.write(ReportFixtures.smallReport(), to: file) }
}
