// The body of scripts/bench-wire-codec.sh: per-job codec cost of the hot messages, binary vs JSON.
import Foundation

func jobID(_ n: Int) -> JobID { JobID(rawValue: String(repeating: String(n % 10), count: 64)) }
func assignment(_ n: Int) -> JobAssignment {
    var e = ExperimentConfig(); e.seed = UInt64(n)
    return JobAssignment(job: jobID(n), attempt: 1, parameters: JobParameters(kind: .noop, experiment: e.resolved()), timeoutSeconds: 3600)
}
let batch = 64
let assign = CoordinatorMessage.assign(.init((0..<batch).map(assignment)))
let results = WorkerMessage.results(.init((0..<batch).map { CompletedJob(job: jobID($0), attempt: 1, result: JobResult(status: .clustered, summary: nil, seconds: 0.001)) }))
let ack = CoordinatorMessage.ack(.init((0..<batch).map { JobAttempt(job: jobID($0), attempt: 1) }))

func measure(_ name: String, jobs: Int, _ body: () throws -> Void) rethrows {
    for _ in 0..<50 { try body() }
    let rounds = 2000
    let start = ContinuousClock.now
    for _ in 0..<rounds { try body() }
    let elapsed = ContinuousClock.now - start
    let ns = Double(elapsed.components.attoseconds) / 1e9 + Double(elapsed.components.seconds) * 1e9
    print(String(format: "%-44@ %8.2f us/job  %9.0f jobs/s", name as NSString, ns / Double(rounds * jobs) / 1000, Double(rounds * jobs) / (ns / 1e9)))
}
let a = try WireCodec.encode(assign), r = try WireCodec.encode(results), k = try WireCodec.encode(ack)
print("payload bytes per job: assign \(a[1].count / batch), results \(r[1].count / batch), ack \(k[1].count / batch)")
print("JSON bytes per job: assign \(try JSONEncoder().encode(assign).count / batch), results \(try JSONEncoder().encode(results).count / batch)")
try measure("binary assign encode", jobs: batch) { _ = try WireCodec.encode(assign) }
try measure("binary assign decode", jobs: batch) { _ = try WireCodec.decodeCoordinatorMessage(a) }
try measure("binary results encode", jobs: batch) { _ = try WireCodec.encode(results) }
try measure("binary results decode", jobs: batch) { _ = try WireCodec.decodeInbound(r) }
try measure("binary ack encode+decode", jobs: batch) { _ = try WireCodec.decodeCoordinatorMessage(try WireCodec.encode(ack)) }
let je = JSONEncoder(), jd = JSONDecoder()
let ja = try je.encode(assign), jr = try je.encode(results)
try measure("JSON assign encode", jobs: batch) { _ = try je.encode(assign) }
try measure("JSON assign decode", jobs: batch) { _ = try jd.decode(CoordinatorMessage.self, from: ja) }
try measure("JSON results encode", jobs: batch) { _ = try je.encode(results) }
try measure("JSON results decode", jobs: batch) { _ = try jd.decode(WorkerMessage.self, from: jr) }
try measure("binary heartbeat encode+decode (per message)", jobs: 1) { _ = try WireCodec.decodeInbound(try WireCodec.encode(WorkerMessage.heartbeat)) }
