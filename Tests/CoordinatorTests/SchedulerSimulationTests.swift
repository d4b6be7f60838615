import Testing
@testable import Coordinator

/// Thousands of random interleavings of worker arrivals, deaths, stalls, partitions, duplicate and
/// reordered messages, timeouts, cancellations and coordinator restarts, with every invariant
/// checked after every step. A failure names its seed: rerun it with `SchedulerSimulation(seed:)`.
@Suite struct SchedulerSimulationTests {
    @Test func invariantsHold_underRandomFailures_andEveryJobEndsFinalOnce() {
        var restarts = 0
        var runs = 0
        var tally: [String: Int] = [:]
        for seed in UInt64(1)...250 {
            var simulation = SchedulerSimulation(seed: seed)
            simulation.run(chaosSteps: 400)
            restarts += simulation.restarts
            tally.merge(simulation.tally, uniquingKeysWith: +)
            runs += 1
            if !simulation.problems.isEmpty {
                Issue.record("seed \(seed): \(simulation.problems.prefix(3))\nlast steps:\n\(simulation.trace.joined(separator: "\n"))")
                break
            }
        }
        print("scheduler simulation: \(runs) seeds, \(restarts) coordinator restarts")
        for (kind, n) in tally.sorted(by: { $0.key < $1.key }) { print("  \(kind): \(n)") }
        #expect(restarts > 100)  // the restarts really happened
    }
}
