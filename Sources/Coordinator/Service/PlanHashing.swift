import Foundation
import SweepModel
import SweepWire

/// A submitted (or dry-run) sweep file whose plan is being hashed, slice by slice between loop
/// iterations, into its sweep id: a million-job plan takes about a second of hashing, which
/// must not stall `status` or the workers (docs/COORDINATOR.md, "Lazy plans").
///
/// It also finds a plan that holds the same job twice (refused, as the store would refuse it)
/// and, when the store already holds jobs, how many of the plan's jobs are already done.
struct PlanHashing {
    /// Who asked, and for what.
    let route: [UInt8]
    let requestID: UInt64
    let request: ClientRequest.Submit
    let dryRun: Bool
    let spec: SweepSpec
    private(set) var plan: SweepPlan
    private var hasher: SweepIDHasher
    private(set) var position = 0
    /// The first 8 bytes of every id seen, to spot a repeated job (confirmed in full).
    private var seen: Set<UInt64> = []
    /// Ids waiting to be looked up in the store (only when `lookUpStatuses`).
    private(set) var unlookedUp: [JobID] = []
    let lookUpStatuses: Bool
    /// Whether the loop logged that this plan takes more than one iteration.
    var announced = false
    /// What the store holds of the jobs looked up so far.
    var storedStatuses: [JobStatus: Int] = [:]

    init(
        route: [UInt8], requestID: UInt64, request: ClientRequest.Submit, dryRun: Bool, spec: SweepSpec,
        lookUpStatuses: Bool
    ) {
        self.route = route
        self.requestID = requestID
        self.request = request
        self.dryRun = dryRun
        self.spec = spec
        self.lookUpStatuses = lookUpStatuses
        plan = SweepPlan(spec)
        hasher = SweepIDHasher(name: spec.name)
        seen.reserveCapacity(min(plan.count, 1 << 20))
    }

    var isComplete: Bool { position >= plan.count }

    /// The sweep id, once `isComplete`.
    var sweepID: SweepID { hasher.finalize() }

    /// A job that appears twice in the plan: (first position, second position).
    enum Repeat: Error {
        case job(JobID, first: Int, second: Int)
    }

    /// Hashes up to `count` more positions. Throws when a position repeats an earlier job.
    mutating func advance(by count: Int) throws(Repeat) {
        let end = min(plan.count, position + count)
        while position < end {
            let added = plan.addJobID(at: position, to: &hasher, returningID: lookUpStatuses)
            if !seen.insert(added.prefix).inserted {
                let id = added.id ?? plan.jobID(at: position)
                if let first = firstPosition(of: id) { throw .job(id, first: first, second: position) }
            }
            if let id = added.id { unlookedUp.append(id) }
            position += 1
        }
    }

    /// Hands over the ids to look up in the store.
    mutating func takeUnlookedUp() -> [JobID] {
        defer { unlookedUp.removeAll(keepingCapacity: true) }
        return unlookedUp
    }

    /// The earlier position holding `id`, if any (a full rescan: only after an 8-byte prefix
    /// matched, which for distinct jobs is about 1 in 10^7 per million-job plan).
    private mutating func firstPosition(of id: JobID) -> Int? {
        (0..<position).first { plan.jobID(at: $0) == id }
    }

}
