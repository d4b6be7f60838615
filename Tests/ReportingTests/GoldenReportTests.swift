import Foundation
import Testing
@testable import Reporting
import SweepModel
import TrainingCore

/// Golden files live in `Tests/ReportingTests/Golden`. Regenerate them after an intended change:
/// `REPORTING_UPDATE_GOLDEN=1 swift test --filter ReportingTests`, then review the diff.
private enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static var updating: Bool { ProcessInfo.processInfo.environment["REPORTING_UPDATE_GOLDEN"] == "1" }

    static func check(_ actual: String, file name: String) throws {
        if updating {
            try Data(actual.utf8).write(to: directory.appendingPathComponent(name), options: .atomic)
            return
        }
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Golden"))
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "\(name) differs from the golden file; regenerate with REPORTING_UPDATE_GOLDEN=1 if intended")
    }
}

@Test func reportJSON_matchesGoldenFile() throws {
    let json = String(decoding: try ReportFixtures.smallReport().jsonData(), as: UTF8.self)
    try Golden.check(json, file: "report.json")
}

@Test func reportCSV_matchesGoldenFile() throws {
    try Golden.check(ReportCSV.render(ReportFixtures.smallReport()), file: "report.csv")
}

@Test func reportJSON_isCompactWithSortedKeysNullsAndSlashes() throws {
    let json = String(decoding: try ReportFixtures.smallReport().jsonData(), as: UTF8.self)
    #expect(json.contains("configs/fixture.yaml"))
    #expect(!json.contains("\\/"))
    #expect(json.contains("\"finished_at\":null"))
    #expect(json.contains("\"km_median\":null"))
    #expect(json.contains("\"result\":null"))
    // Compact: one line, no indentation, no space after a colon.
    #expect(json.firstIndex(of: "\n") == json.index(before: json.endIndex))
    #expect(!json.contains("\" : "))
    // Sorted keys: within the top-level object, dimension_effect < generated_at < groups < jobs < ...
    #expect(json.hasPrefix("{\"dimension_effect\":["))
    #expect(json.hasSuffix(",\"version\":4}\n"))
    let order = [",\"generated_at\":\"", "\",\"groups\":[", "],\"jobs\":[", "],\"metrics\":[\"", "],\"sweep\":{", "},\"verdicts\":["]
    let positions = order.compactMap { json.range(of: $0)?.lowerBound }
    #expect(positions.count == order.count)
    #expect(positions == positions.sorted())
}

@Test func reportJSON_writesSharedParametersOnce_andEachJobsGridKeysAndSeed() throws {
    let report = ReportFixtures.smallReport()
    let object = try #require(try JSONSerialization.jsonObject(with: report.jsonData()) as? [String: Any])
    let sweep = try #require(object["sweep"] as? [String: Any])
    let shared = try #require(sweep["parameters"] as? [String: Any])
    #expect(shared["hidden"] as? [Int] == [16, 16])
    #expect(shared["dimension"] == nil && shared["seed"] == nil)
    let jobs = try #require(object["jobs"] as? [[String: Any]])
    #expect(jobs.count == 6)
    for (index, job) in jobs.enumerated() {
        let own = try #require(job["parameters"] as? [String: Any])
        // The fixture's grid is `dimension`; the seed is always the job's own.
        #expect(Set(own.keys) == ["dimension", "seed"])
        #expect(own["seed"] as? Int == index % 3)
    }
    #expect(object["version"] as? Int == 4)
    // Version 4: a job's result is its run's outcome, without the configuration (its parameters).
    let results = (object["jobs"] as? [[String: Any]] ?? []).compactMap { $0["result"] as? [String: Any] }
    #expect(!results.isEmpty && results.allSatisfy { $0["config"] == nil && $0["version"] == nil && $0["epochs_run"] != nil })
}

@Test func reportJSON_roundTrips() throws {
    let report = ReportFixtures.smallReport()
    let decoded = try SweepReport.decode(report.jsonData())
    #expect(decoded == report)
}

@Test func reportJSON_refusesOtherVersion() throws {
    var report = ReportFixtures.smallReport()
    report.version = 99
    #expect(throws: ReportError.self) { try SweepReport.decode(report.jsonData()) }
}

@Test func reportJSON_encodesNonFiniteNumbers_insteadOfThrowing() throws {
    var jobs = ReportFixtures.smallJobs()
    jobs[2].result?.summary?.final.loss = .nan
    let report = SweepReport.build(sweep: ReportFixtures.sweep(), jobs: jobs, generatedAt: ReportFixtures.generatedAt)
    let json = String(decoding: try report.jsonData(), as: UTF8.self)
    #expect(json.contains("\"loss\":null"))
}
