import Foundation
import SweepModel
import SweepStore

/// Every sweep the coordinator serves, in submission order, with what `status` needs that the
/// scheduler's memory does not hold, so `status` never reads the store.
///
/// A restarted scheduler holds only the open jobs of open sweeps (from `restartSnapshot`), and no
/// sweep finished before the restart; `storedCounts` keeps those jobs' counts, read once at
/// start-up (they are final, so they never change).
struct SweepDirectory: Sendable {
    private(set) var records: [SweepRecord] = []
    private var index: [SweepID: Int] = [:]
    /// Counts of jobs the scheduler does not hold, per sweep.
    private var storedCounts: [SweepID: JobStatusCounts] = [:]
    /// Each sweep's `description:`, parsed once when the sweep is added.
    private var descriptions: [SweepID: String] = [:]

    /// Adds (or replaces) a sweep; `countsOutsideScheduler` are its jobs the scheduler does not hold.
    mutating func add(_ record: SweepRecord, countsOutsideScheduler: JobStatusCounts? = nil) {
        if let i = index[record.id] {
            records[i] = record
        } else {
            index[record.id] = records.count
            records.append(record)
        }
        storedCounts[record.id] = countsOutsideScheduler
        if descriptions[record.id] == nil { descriptions[record.id] = record.descriptionText }
    }

    /// Adds counts of jobs the scheduler stopped holding (`Scheduler.takeRetiredCounts`).
    mutating func addCountsOutsideScheduler(_ id: SweepID, _ counts: JobStatusCounts) {
        guard index[id] != nil else { return }
        storedCounts[id] = (storedCounts[id] ?? JobStatusCounts()) + counts
    }

    /// The sweep's `description:` (empty when none).
    func description(of id: SweepID) -> String { descriptions[id] ?? "" }

    func record(_ id: SweepID) -> SweepRecord? { index[id].map { records[$0] } }

    /// Forgets a deleted sweep.
    mutating func remove(_ id: SweepID) {
        guard let i = index[id] else { return }
        records.remove(at: i)
        index = Dictionary(uniqueKeysWithValues: records.enumerated().map { ($0.element.id, $0.offset) })
        storedCounts[id] = nil
        descriptions[id] = nil
    }

    func contains(_ id: SweepID) -> Bool { index[id] != nil }

    func isCancelled(_ id: SweepID) -> Bool { index[id].map { records[$0].cancelled } ?? false }

    /// Counts of the sweep's jobs that the scheduler does not hold (zero if none).
    func countsOutsideScheduler(_ id: SweepID) -> JobStatusCounts { storedCounts[id] ?? JobStatusCounts() }

    mutating func markFinished(_ id: SweepID, at date: Date) {
        guard let i = index[id], records[i].finishedAt == nil else { return }
        records[i].finishedAt = date
    }

    mutating func markCancelled(_ id: SweepID) {
        guard let i = index[id] else { return }
        records[i].cancelled = true
    }

    /// Looks a sweep up by what a user typed (`SweepReference`'s rule; an exact id without a scan).
    func lookup(_ reference: String) -> SweepLookup {
        if let exact = index[SweepID(rawValue: reference.trimmingCharacters(in: .whitespaces).lowercased())] {
            return .found(records[exact])
        }
        return SweepReference(reference).resolve(among: records)
    }
}

extension JobStatusCounts {
    /// Counts from the store's `[JobStatus: Int]`, keeping only `statuses`.
    init(_ counts: [JobStatus: Int], only statuses: (JobStatus) -> Bool = { _ in true }) {
        self.init()
        for (status, count) in counts where statuses(status) { self[status] = count }
    }

    /// The sum of two sets of counts.
    static func + (a: JobStatusCounts, b: JobStatusCounts) -> JobStatusCounts {
        var sum = a
        for status in JobStatus.allCases { sum[status] += b[status] }
        return sum
    }
}
