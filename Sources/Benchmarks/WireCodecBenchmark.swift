import SweepWire
import Foundation
import SweepModel
import TrainingCore

/// Measures the codec's cost per job on the hot messages (batched `assign`, `results`, `ack`),
/// against Foundation's JSON as the baseline; `clustersweep bench wire` prints it.
public enum WireCodecBenchmark {
    /// One measured operation.
    public struct Row: Sendable {
        public var name: String
        public var microsecondsPerJob: Double
        public var jobsPerSecond: Double
    }

    /// Payload bytes per job of the binary codec and of JSON.
    public struct Sizes: Sendable {
        public var assignBinary: Int
        public var resultsBinary: Int
        public var ackBinary: Int
        public var assignJSON: Int
        public var resultsJSON: Int
    }

    public static func run(batch: Int = 64, rounds: Int = 2000) throws -> (sizes: Sizes, rows: [Row]) {
        func jobID(_ n: Int) -> JobID { JobID(rawValue: String(repeating: String(n % 10), count: 64)) }
        let assign = CoordinatorMessage.assign(.init((0..<batch).map { n in
            var experiment = ExperimentConfig()
            experiment.seed = UInt64(n)
            return JobAssignment(
                job: jobID(n), attempt: 1, parameters: JobParameters(kind: .noop, experiment: experiment.resolved()),
                timeout: .seconds(3600))
        }))
        let results = WorkerMessage.results(.init((0..<batch).map {
            CompletedJob(job: jobID($0), attempt: 1, result: JobResult(status: .clustered, summary: nil, seconds: 0.001))
        }))
        let ack = CoordinatorMessage.ack(.init((0..<batch).map { JobAttempt(job: jobID($0), attempt: 1) }))

        var rows: [Row] = []
        func measure(_ name: String, jobs: Int, _ body: () throws -> Void) throws {
            for _ in 0..<max(1, rounds / 40) { try body() }
            let start = ContinuousClock.now
            for _ in 0..<rounds { try body() }
            let elapsed = ContinuousClock.now - start
            let seconds = elapsed.seconds
            let perJob = seconds / Double(rounds * jobs)
            rows.append(Row(name: name, microsecondsPerJob: perJob * 1e6, jobsPerSecond: 1 / perJob))
        }
        let a = try WireCodec.encode(assign), r = try WireCodec.encode(results), k = try WireCodec.encode(ack)
        let json = JSONEncoder(), decoder = JSONDecoder()
        let ja = try json.encode(assign), jr = try json.encode(results)
        let sizes = Sizes(
            assignBinary: a[1].count / batch, resultsBinary: r[1].count / batch, ackBinary: k[1].count / batch,
            assignJSON: ja.count / batch, resultsJSON: jr.count / batch)
        try measure("binary assign encode", jobs: batch) { _ = try WireCodec.encode(assign) }
        try measure("binary assign decode", jobs: batch) { _ = try WireCodec.decodeCoordinatorMessage(a) }
        try measure("binary results encode", jobs: batch) { _ = try WireCodec.encode(results) }
        try measure("binary results decode", jobs: batch) { _ = try WireCodec.decodeInbound(r) }
        try measure("binary ack encode+decode", jobs: batch) { _ = try WireCodec.decodeCoordinatorMessage(try WireCodec.encode(ack)) }
        try measure("JSON assign encode", jobs: batch) { _ = try json.encode(assign) }
        try measure("JSON assign decode", jobs: batch) { _ = try decoder.decode(CoordinatorMessage.self, from: ja) }
        try measure("JSON results encode", jobs: batch) { _ = try json.encode(results) }
        try measure("JSON results decode", jobs: batch) { _ = try decoder.decode(WorkerMessage.self, from: jr) }
        try measure("binary heartbeat encode+decode (per message)", jobs: 1) {
            _ = try WireCodec.decodeInbound(try WireCodec.encode(WorkerMessage.heartbeat))
        }
        return (sizes, rows)
    }
}
