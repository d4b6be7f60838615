import Foundation
import Testing

/// The report's answer end to end: a real `clustersweep run` (embedded coordinator, worker
/// processes, SQLite store) whose runs are partly censored, then the same file with more seeds.
@Suite(.serialized)
struct ReportVerdictTests {
    /// Small real runs, stopped at 150 epochs so that some are censored; 2 × `seeds` jobs.
    static func sweepFile(seeds: String) -> String {
        """
        version: 1
        name: verdict-e2e
        experiment:
          points: 60
          max_epochs: 150
          check_every: 25
          snapshot_epochs: [0]
          input_learning_rate: 0.003
        grid:
          dimension: [2, 8]
        seeds: \(seeds)
        max_attempts: 2
        job_timeout_seconds: 120

        """
    }

    @Test func run_writesStatisticsAndVerdict_thenMoreSeedsRunOnlyTheNewJobs() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("verdict.yaml")
        let out = dir.appendingPathComponent("out")
        try Self.sweepFile(seeds: "0..3").write(to: file, atomically: true, encoding: .utf8)

        let first = try runCommand(["run", file.path, "--workers", "2", "--out", out.path], in: dir, timeout: 300)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        // The terminal ends with the verdict sentences.
        let verdictLines = first.stdout.components(separatedBy: "\nverdict:\n")
        #expect(verdictLines.count == 2, "no verdict block in: \(first.stdout)")
        #expect(verdictLines.last?.contains("(lda_silhouette)") == true)

        let report = try ReportFile(at: out.appendingPathComponent("report.json"))
        #expect(report.jobs.count == 8)
        let statuses = Set(report.jobs.map(\.status))
        #expect(statuses.isSubset(of: ["clustered", "censored", "diverged"]))
        #expect(statuses.contains("censored"), "the sweep is meant to censor some runs at 150 epochs: \(statuses)")

        let series = try #require((report.raw["dimension_effect"] as? [[String: Any]])?.first)
        #expect(series.keys.contains("logrank") && series.keys.contains("trend"))
        #expect(series["logrank"] is [String: Any] || series["logrank_reason"] is String)
        #expect(series["trend"] is [String: Any] || series["trend_reason"] is String)
        let points = try #require(series["points"] as? [[String: Any]])
        #expect(points.count == 2)
        for point in points {
            let epochs = try #require(point["epochs"] as? [String: Any])
            let ci = try #require(epochs["km_median_ci95"] as? [Any])
            #expect(ci.count == 2)
            #expect((point["seconds"] as? [String: Any])?["km_median_ci95"] is [Any])
        }
        let verdicts = try #require(report.raw["verdicts"] as? [[String: Any]])
        #expect(verdicts.count == 1)
        let verdict = try #require(verdicts.first)
        #expect(verdict["metric"] as? String == "lda_silhouette")
        let sentence = try #require(verdict["sentence"] as? String)
        #expect(verdictLines.last?.contains(sentence) == true)
        #expect(verdict["significant"] is Bool)

        // The page opens with the verdict, above every chart.
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        let verdictAt = try #require(html.range(of: "<section id=\"verdict\">"))
        let firstChart = try #require(html.range(of: "<svg "))
        #expect(verdictAt.lowerBound < firstChart.lowerBound)
        #expect(html.contains(escapedForHTML(sentence)))
        #expect(html.contains("<section id=\"pictures\">"))

        // The same file with more seeds: the 8 stored results are reused, only 4 new jobs run.
        try Self.sweepFile(seeds: "0..5").write(to: file, atomically: true, encoding: .utf8)
        let second = try runCommand(["run", file.path, "--workers", "2", "--out", out.path], in: dir, timeout: 300)
        #expect(second.status == 0, "stderr: \(second.stderr)")
        #expect(second.stdout.contains("(8 already done before this run)"), "stdout: \(second.stdout)")
        let grown = try ReportFile(at: out.appendingPathComponent("report.json"))
        #expect(grown.jobs.count == 12)
        let before = Dictionary(uniqueKeysWithValues: report.jobs.map { ($0.jobID, $0.attempts) })
        for job in grown.jobs {
            if let attempts = before[job.jobID] {
                #expect(job.attempts == attempts, "stored job \(job.jobID) ran again")
            } else {
                #expect(job.attempts == 1)
            }
        }
        #expect(grown.jobs.count { before[$0.jobID] == nil } == 4)
    }
}

/// `text` as the report page writes it (XML escapes).
func escapedForHTML(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
