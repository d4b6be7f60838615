import Benchmarks
import ArgumentParser
import Foundation
import SweepWire

/// `clustersweep bench wire`: the protocol codec's cost per job, binary vs JSON.
struct BenchWireCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wire",
        abstract: "Measure the wire codec per job on batched hot messages (binary vs Foundation JSON).")

    @Option(help: "Jobs per batched message.")
    var batch: Int = 64

    @Option(help: "Timed repetitions of each operation.")
    var rounds: Int = 2000

    mutating func validate() throws {
        guard (1...1024).contains(batch) else { throw ValidationError("--batch must be between 1 and 1024") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
    }

    func run() throws {
        let (sizes, rows) = try WireCodecBenchmark.run(batch: batch, rounds: rounds)
        print("payload bytes per job: assign \(sizes.assignBinary) (JSON \(sizes.assignJSON)), results \(sizes.resultsBinary) (JSON \(sizes.resultsJSON)), ack \(sizes.ackBinary)")
        for row in rows {
            print(row.name.padding(toLength: 46, withPad: " ", startingAt: 0)
                + String(format: "%8.2f us/job  %10.0f jobs/s", row.microsecondsPerJob, row.jobsPerSecond))
        }
    }
}
