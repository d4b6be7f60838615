import Foundation
import GRDB
import SweepModel

extension ResultStore {
    /// The jobs of `sweep` from plan index `from` on, at most `limit` of them, in plan order: the
    /// streaming read of a report. One indexed range scan of `sweep_jobs` per page, so the cost of
    /// a call is bounded by `limit` whatever the sweep's size, and a reader holds one page at a
    /// time. Results are not decoded, and each page lists each distinct parameter text once (the
    /// seed taken out by SQLite's JSON functions, `ReportRow.seed`; a seed SQLite cannot hold
    /// as an integer, above `Int64.max`, stays in the text).
    ///
    /// Plan indices without a job row are skipped: a reader walks `next` until `more` is false.
    public func reportRows(sweep: SweepID, from: Int, limit: Int) throws(StoreError) -> ReportRowsPage {
        let limit = max(1, limit)
        return try read("the report rows of sweep \(sweep.short)") { db, _ in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT id, plan_index, status,
                    CASE WHEN typeof(seed) = 'integer' THEN json_remove(parameters, '$.experiment.seed') ELSE parameters END,
                    CASE WHEN typeof(seed) = 'integer' THEN seed END,
                    (SELECT COUNT(*) FROM attempts a WHERE a.job_seq = seq),
                    (SELECT a.error FROM attempts a WHERE a.job_seq = seq AND a.error IS NOT NULL
                        ORDER BY a.number DESC LIMIT 1),
                    result,
                    (SELECT a.worker FROM attempts a WHERE a.job_seq = seq ORDER BY a.number DESC LIMIT 1)
                FROM (
                    SELECT j.seq AS seq, j.id AS id, sj.plan_index AS plan_index, j.status AS status,
                        p.parameters AS parameters, json_extract(p.parameters, '$.experiment.seed') AS seed,
                        r.result AS result
                    FROM sweep_jobs sj JOIN jobs j ON j.seq = sj.job_seq
                    JOIN job_parameters p ON p.job_seq = j.seq LEFT JOIN results r ON r.job_seq = j.seq
                    WHERE sj.sweep_id = ? AND sj.plan_index >= ?
                    ORDER BY sj.plan_index LIMIT ?
                )
                """, arguments: [sweep.rawValue, from, limit + 1])
            var shapes: [String] = []
            var shapeIndex: [String: Int] = [:]
            var page: [ReportRow] = []
            page.reserveCapacity(min(limit, 4096))
            var more = false
            while let row = try rows.next() {
                if page.count == limit {
                    more = true
                    break
                }
                let stored = StoredRow(row, table: "jobs", keyColumn: 0)
                let shapeText = try stored.string(3, "parameters")
                let shape: Int
                if let known = shapeIndex[shapeText] {
                    shape = known
                } else {
                    shape = shapes.count
                    shapes.append(shapeText)
                    shapeIndex[shapeText] = shape
                }
                let seed = try stored.optionalInt(4, "parameters")
                guard seed.map({ $0 >= 0 }) ?? true else {
                    throw CorruptRecord(table: "job_parameters", key: stored.key, column: "parameters", detail: "negative seed")
                }
                page.append(ReportRow(
                    id: JobID(rawValue: stored.key), index: try stored.int(1, "plan_index"),
                    status: try stored.value(2, "status", as: JobStatus.self), shape: shape,
                    seed: seed.map { UInt64($0) }, attempts: try stored.int(5, "attempts"),
                    lastError: try stored.optionalString(6, "error"), resultJSON: try stored.optionalString(7, "result"),
                    worker: try stored.optionalString(8, "worker").map(WorkerID.init(rawValue:))))
            }
            let next = page.last.map { $0.index + 1 } ?? from
            return ReportRowsPage(shapes: shapes, rows: page, next: next, more: more)
        }
    }
}
