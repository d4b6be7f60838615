import Foundation
import SweepWire
import Testing
@testable import Worker

/// Thousands of random worlds of real `WorkerSession`s against the real `Scheduler`: worker
/// deaths, SIGTERMs, shutdowns, `--max-jobs` and `--idle-exit` exits, partitions and silences,
/// coordinator crashes and restarts from the committed store, reordered, duplicated and lost
/// messages. After every event both state machines' invariants hold; at the end every job is
/// final with exactly one recorded result per completed job, and every live worker's reports
/// were acknowledged. A failure names its seed: rerun it alone with `WORKER_SIMULATION_SEED=<seed>`.
///
/// What the network does: messages to the coordinator are mostly delivered in order, sometimes
/// overtaken, sometimes duplicated, and lost with a cut link, a killed worker or a crashed
/// coordinator. Messages to a worker arrive in order on its current connection (ZeroMQ over TCP
/// keeps a connection's order; a message for a closed connection is lost), and some arrive
/// twice, except `welcome`: the protocol counts a welcome as the start of a flow-control session,
/// which a transport that never duplicates cannot replay.
@Suite struct WorkerSimulationTests {
    /// `WORKER_SIMULATION_SEEDS=N` runs seeds 1...N (default 2,000); `WORKER_SIMULATION_SEED=S`
    /// replays seed S alone.
    private var seeds: ClosedRange<UInt64> {
        let environment = ProcessInfo.processInfo.environment
        if let seed = environment["WORKER_SIMULATION_SEED"].flatMap(UInt64.init) { return seed...seed }
        let count = environment["WORKER_SIMULATION_SEEDS"].flatMap(UInt64.init).map { max(1, $0) } ?? 2_000
        return 1...count
    }

    @Test func everyJobEndsExactlyOnce_underRandomWorkerAndCoordinatorFailures() {
        let seeds = self.seeds
        // Built once: `WorkerConfiguration(endpoint:)` asks the system for the host name.
        let base = WorkerConfiguration(endpoint: "tcp://coordinator:5555")
        var tally: [String: Int] = [:]
        var runs = 0
        var encoded: ([String: EncodedAssignment], [String: EncodedResult]) = ([:], [:])
        for seed in seeds {
            var simulation = WorkerSimulation(seed: seed, baseConfiguration: base)
            (simulation.encoded, simulation.encodedResults) = encoded
            simulation.run(chaosSteps: 150)
            encoded = (simulation.encoded, simulation.encodedResults)
            runs += 1
            tally.merge(simulation.tally, uniquingKeysWith: +)
            if !simulation.problems.isEmpty {
                Issue.record("seed \(seed): \(simulation.problems.prefix(3))\nlast steps:\n\(simulation.trace.joined(separator: "\n"))")
                break
            }
        }
        print("worker simulation: \(runs) seeds")
        for (kind, n) in tally.sorted(by: { $0.key < $1.key }) { print("  \(kind): \(n)") }
        guard seeds.count >= 1_000 else { return }  // a replay of a few seeds proves nothing more
        // The failures really happened, and the work was done.
        #expect(tally["coordinator restart", default: 0] > 100)
        #expect(tally["worker killed", default: 0] > 100)
        #expect(tally["worker reconnected", default: 0] > 100)
        #expect(tally["hello carrying unacknowledged reports", default: 0] > 10)
        #expect(tally["duplicate result dropped", default: 0] > 10)
        #expect(tally["result recorded", default: 0] > 10 * runs)
    }
}
