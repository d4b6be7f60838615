import Foundation
import Testing
@testable import Reporting
import SweepModel
import TrainingCore

@Test func csv_hasHeaderAndOneRowPerJob() throws {
    let csv = ReportCSV.render(ReportFixtures.smallReport())
    let records = parseCSV(csv)
    #expect(records.count == 7)
    let header = try #require(records.first)
    #expect(Array(header.prefix(4)) == ["job_id", "index", "status", "attempts"])
    #expect(header.contains("dimension") && header.contains("seed") && header.contains("input_learning_rate"))
    #expect(header.contains("lda_silhouette_epochs_to_cluster") && header.contains("fisher_ratio_seconds_to_cluster"))
    #expect(header.contains("final_knn_accuracy") && header.last == "last_error")
    #expect(records.allSatisfy { $0.count == header.count })
    let column = { (name: String) in header.firstIndex(of: name) ?? -1 }
    #expect(records[1][column("lda_silhouette_epochs_to_cluster")] == "100")
    #expect(records[2][column("knn_accuracy_epochs_to_cluster")] == "")
    #expect(records[3][column("epochs_run")] == "1000")
    #expect(records[5][column("last_error")] == "worker said \"no\", twice\nthen died")
    #expect(records[6][column("status")] == "pending")
}

@Test func csv_quotesFieldsPerRFC4180() {
    #expect(ReportCSV.quote("plain") == "plain")
    #expect(ReportCSV.quote("a,b") == "\"a,b\"")
    #expect(ReportCSV.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(ReportCSV.quote("two\nlines") == "\"two\nlines\"")
    #expect(ReportCSV.quote("cr\r\nlf") == "\"cr\r\nlf\"")
    #expect(ReportCSV.row(["a", "b"]) == "a,b\r\n")
}

/// A small RFC 4180 reader for the tests (quoted fields, doubled quotes, CRLF records).
func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
        if quoted {
            if c == "\"" {
                if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { quoted = false }
            } else {
                field.unicodeScalars.append(c)
            }
        } else if c == "\"" {
            quoted = true
        } else if c == "," {
            record.append(field); field = ""
        } else if c == "\r", chars.first == "\n" {
            chars.removeFirst()
            record.append(field); field = ""
            records.append(record); record = []
        } else {
            field.unicodeScalars.append(c)
        }
    }
    if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
    return records
}

/// Every declared experiment option (and each job switch) is a CSV column, whatever the jobs'
/// values: the columns follow the declaration, not a list kept here.
@Test func csvHeader_hasAColumnPerDeclaredOption() throws {
    let csv = ReportCSV.render(ReportFixtures.smallReport())
    let header = try #require(parseCSV(csv).first)
    for option in ExperimentConfig.options {
        #expect(header.contains(option.key), "no CSV column for the option \(option.key)")
    }
    for option in JobParameters.switches {
        #expect(header.contains(option.key), "no CSV column for the job switch \(option.key)")
    }
    let flattened = ReportParameters.flatten(ReportFixtures.parameters(dimension: 2, seed: 0))
    #expect(Set(flattened.keys) == Set(ExperimentConfig.options.map(\.key) + JobParameters.switches.map(\.key) + ["kind"]))
}
