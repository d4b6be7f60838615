import Foundation
import GRDB
import SweepModel
import TrainingCore

extension ResultStore {
    /// The jobs of `sweep` from plan index `from` on, at most `limit` of them, in plan order: the
    /// streaming read of a report. One indexed range scan of `sweep_jobs` per page, so the cost of
    /// a call is bounded by `limit` whatever the sweep's size, and a reader holds one page at a
    /// time. Results are not decoded, and each page lists each distinct parameter text once, the
    /// seed taken out (`ReportRow.seed`, `SeedSplit`).
    ///
    /// Plan indices without a job row are skipped: a reader walks `next` until `more` is false.
    public func reportRows(sweep: SweepID, from: Int, limit: Int) throws(StoreError) -> ReportRowsPage {
        let limit = max(1, limit)
        return try read("the report rows of sweep \(sweep.short)") { db, coding in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT j.id, sj.plan_index, j.status, p.parameters,
                    (SELECT COUNT(*) FROM attempts a WHERE a.job_seq = j.seq),
                    (SELECT a.error FROM attempts a WHERE a.job_seq = j.seq AND a.error IS NOT NULL
                        ORDER BY a.number DESC LIMIT 1),
                    r.result,
                    (SELECT a.worker FROM attempts a WHERE a.job_seq = j.seq ORDER BY a.number DESC LIMIT 1)
                FROM sweep_jobs sj JOIN jobs j ON j.seq = sj.job_seq
                JOIN job_parameters p ON p.job_seq = j.seq LEFT JOIN results r ON r.job_seq = j.seq
                WHERE sj.sweep_id = ? AND sj.plan_index >= ?
                ORDER BY sj.plan_index LIMIT ?
                """, arguments: [sweep.rawValue, from, limit + 1])
            var shapes: [String] = []
            /// Shape texts of this page, and whether splitting the seed off them was checked good.
            var shapeIndex: [String: (index: Int, split: Bool)] = [:]
            /// Split texts found not to be the seed's (checked once).
            var rejected: Set<String> = []
            var page: [ReportRow] = []
            page.reserveCapacity(min(limit, 4096))
            var more = false
            while let row = try rows.next() {
                if page.count == limit {
                    more = true
                    break
                }
                let stored = StoredRow(row, table: "jobs", keyColumn: 0)
                let text = try stored.string(3, "parameters")
                var seed: UInt64?
                var shapeText = text
                if let split = SeedSplit(text), !rejected.contains(split.shape) {
                    if shapeIndex[split.shape]?.split ?? SeedSplit.check(split, of: text, coding: coding) {
                        seed = split.seed
                        shapeText = split.shape
                    } else {
                        rejected.insert(split.shape)
                    }
                }
                let shape: Int
                if let known = shapeIndex[shapeText] {
                    shape = known.index
                } else {
                    shape = shapes.count
                    shapes.append(shapeText)
                    shapeIndex[shapeText] = (shape, seed != nil)
                }
                page.append(ReportRow(
                    id: JobID(rawValue: stored.key), index: try stored.int(1, "plan_index"),
                    status: try stored.value(2, "status", as: JobStatus.self), shape: shape, seed: seed,
                    attempts: try stored.int(4, "attempts"), lastError: try stored.optionalString(5, "error"),
                    resultJSON: try stored.optionalString(6, "result"),
                    worker: try stored.optionalString(7, "worker").map(WorkerID.init(rawValue:))))
            }
            let next = page.last.map { $0.index + 1 } ?? from
            return ReportRowsPage(shapes: shapes, rows: page, next: next, more: more)
        }
    }
}

/// A stored parameter text with its seed taken out: the one `"seed":DIGITS` of the text removed
/// with a comma beside it. Jobs of one grid point then share one text, which a report flattens
/// once. Plain text work (no JSON parse per job); `check` decodes both texts once per distinct
/// text to make sure the removed member was `experiment.seed`, and a text with no such member,
/// or more than one `"seed":`, is left whole.
struct SeedSplit {
    var shape: String
    var seed: UInt64

    init?(_ text: String) {
        let key = Array(#""seed":"#.utf8)
        let bytes = Array(text.utf8)
        var found: Int?
        var at = 0
        while at + key.count <= bytes.count {
            if bytes[at] == key[0], bytes[at..<(at + key.count)].elementsEqual(key) {
                guard found == nil else { return nil }  // two: leave the text whole
                found = at
                at += key.count
            } else {
                at += 1
            }
        }
        guard let start = found else { return nil }
        var end = start + key.count
        while end < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) { end += 1 }
        guard end > start + key.count, end < bytes.count,
              let seed = UInt64(String(decoding: bytes[(start + key.count)..<end], as: UTF8.self))
        else { return nil }
        var removeFrom = start, removeTo = end
        if bytes[end] == UInt8(ascii: ",") {
            removeTo += 1
        } else if bytes[end] == UInt8(ascii: "}"), start > 0, bytes[start - 1] == UInt8(ascii: ",") {
            removeFrom -= 1
        } else if bytes[end] != UInt8(ascii: "}") {
            return nil
        }
        shape = String(decoding: bytes[..<removeFrom] + bytes[removeTo...], as: UTF8.self)
        self.seed = seed
    }

    /// Whether `split` of `text` took out `experiment.seed` and nothing else.
    static func check(_ split: SeedSplit, of text: String, coding: StoreCoding) -> Bool {
        guard let whole = try? coding.value(JobParameters.self, json: text),
              var rest = try? coding.value(JobParameters.self, json: split.shape),
              rest.experiment.seed == ExperimentConfig().seed, whole.experiment.seed == split.seed
        else { return false }
        rest.experiment.seed = split.seed
        return rest == whole
    }
}
