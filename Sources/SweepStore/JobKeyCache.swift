import Synchronization
import SweepModel

/// The integer keys (`jobs.seq`) of the jobs in flight, so that `apply`'s hot statements address
/// a job's rows by key instead of finding the key through the unique index on the 64-character
/// id each time (docs/STORE.md, "Where the time goes").
///
/// Learned when a job's attempt start is committed, forgotten when its result, failure or
/// cancellation is: it holds the jobs leased at once, not the sweep. Updated only after a commit
/// succeeded (a rolled-back transaction teaches it nothing), emptied by `delete` (whose removed
/// keys SQLite may hand out again) and when it outgrows `limit`. A miss only costs the look-up.
final class JobKeyCache: Sendable {
    /// Entries kept at most; beyond, the cache starts afresh (far above any number of leases).
    static let limit = 1 << 18

    private let keys = Mutex<[JobID: Int64]>([:])

    func key(of job: JobID) -> Int64? {
        keys.withLock { $0[job] }
    }

    /// Records what a committed transaction taught: new keys first, then the jobs settled.
    func update(learned: [(JobID, Int64)], settled: [JobID]) {
        guard !learned.isEmpty || !settled.isEmpty else { return }
        keys.withLock { keys in
            if keys.count + learned.count > Self.limit { keys.removeAll(keepingCapacity: true) }
            for (job, key) in learned { keys[job] = key }
            for job in settled { keys[job] = nil }
        }
    }

    func removeAll() {
        keys.withLock { $0.removeAll() }
    }
}
