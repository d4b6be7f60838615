import Foundation
import GRDB
import SweepModel

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
