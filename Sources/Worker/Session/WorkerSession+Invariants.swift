import SweepWire

// MARK: Self-check (tests, debugging)

extension WorkerSession {
    /// Every broken internal invariant, described; empty when all hold. O(jobs held): for tests
    /// and debugging, never on the hot path.
    func invariantViolations() -> [String] {
        var problems: [String] = []
        let busySlots = Array(Set(running.values))
        for slot in busySlots where slotLoad.indices.contains(slot) {
            let held = running.values.filter { $0 == slot }.count
            if slotLoad[slot] != held { problems.append("slot \(slot) counts \(slotLoad[slot]) attempts but runs \(held)") }
        }
        for slot in idleSlots where slotLoad.indices.contains(slot) && slotLoad[slot] != 0 {
            problems.append("idle slot \(slot) still counts \(slotLoad[slot]) attempts")
        }
        if Set(idleSlots).count != idleSlots.count { problems.append("a slot is idle twice: \(idleSlots)") }
        if !Set(idleSlots).isDisjoint(with: busySlots) { problems.append("a slot is both idle and busy") }
        if (idleSlots + busySlots).contains(where: { !(0..<slotCount).contains($0) }) {
            problems.append("a slot number out of range")
        }
        let queued = queue.map(\.jobAttempt)
        if Set(queued).count != queued.count { problems.append("an attempt is queued twice") }
        for attempt in queued where running[attempt] != nil { problems.append("\(attempt) both queued and running") }
        for attempt in queued + Array(running.keys) where unacked[attempt] != nil {
            problems.append("\(attempt) held and also finished")
        }
        if Set(startedAt.keys) != Set(running.keys) { problems.append("start times do not match running attempts") }
        if !Set(lastDelivery.keys).isSubset(of: unacked.keys) { problems.append("a delivery time for an acknowledged report") }
        if welcomed && !connected { problems.append("welcomed without a connection") }
        if drain != nil && !queue.isEmpty { problems.append("jobs queued while draining") }
        if exit != nil && !running.isEmpty { problems.append("exited with jobs running") }
        return problems
    }
}
