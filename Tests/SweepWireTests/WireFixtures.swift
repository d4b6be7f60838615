import Foundation
import SweepModel
import TrainingCore
@testable import SweepWire

/// One sample of every message kind, with realistic field values.
enum WireFixtures {
    static func jobID(_ n: Int) -> JobID { JobID(rawValue: String(repeating: String(n % 10), count: 64)) }
    static let sweep = SweepID(rawValue: String(repeating: "ab", count: 32))
    static let worker = WorkerID(rawValue: "node-1-4242-x7f3")

    static func parameters(_ seed: UInt64, kind: JobKind = .noop) -> JobParameters {
        var experiment = ExperimentConfig()
        experiment.seed = seed
        return JobParameters(kind: kind, experiment: experiment.resolved(), sleepMs: 0, failAttempts: 0)
    }

    static let metrics = MetricValues(loss: 0.25, ldaSilhouette: 0.61, knnAccuracy: 0.97, silhouette: 0.4, fisherRatio: 2.5)

    static let summary = RunOutcome(
        status: .clustered, epochsRun: 1200,
        timeToCluster: ["lda_silhouette": ClusterTime(epoch: 1000, seconds: 1.5), "knn_accuracy": nil],
        final: metrics, trainSeconds: 2.25, msPerEpoch: 1.875)

    static func assignment(_ n: Int) -> JobAssignment {
        JobAssignment(job: jobID(n), attempt: 1 + n % 3, parameters: parameters(UInt64(n)), timeout: .seconds(3600))
    }

    static func completed(_ n: Int, summary: RunOutcome? = nil) -> CompletedJob {
        CompletedJob(job: jobID(n), attempt: 1, result: JobResult(status: .clustered, summary: summary, seconds: 0.001))
    }

    static let workerMessages: [WorkerMessage] = [
        .hello(.init(
            worker: worker, host: "node-1", pid: 4242, slots: 2, softwareVersion: "clustersweep 0.1.0",
            running: [JobAttempt(job: jobID(1), attempt: 2)], finished: [completed(2, summary: summary)],
            failed: [FailedJob(job: jobID(3), attempt: 1, error: "boom")])),
        .hello(.init(worker: worker, host: "", pid: 1, slots: 1, softwareVersion: "")),
        .hello(.init(worker: worker, host: "node-2", pid: 7, slots: 4, softwareVersion: "clustersweep 0.1.0", kernelFamily: "avx2")),
        .ready(.init(wants: 6, received: 120)),
        .heartbeat,
        .progress(.init(job: jobID(4), attempt: 1, epoch: 500, metrics: metrics)),
        .results(.init((0..<5).map { completed($0) } + [completed(9, summary: summary)])),
        .failures(.init([FailedJob(job: jobID(5), attempt: 3, error: "diverged: loss is NaN ✗")])),
        .released(.init([JobAttempt(job: jobID(6), attempt: 1)])),
        .goodbye(.init(reason: "SIGTERM")),
    ]

    static let coordinatorMessages: [CoordinatorMessage] = [
        .welcome(.init(worker: worker, keep: [JobAttempt(job: jobID(1), attempt: 2)], softwareVersion: "clustersweep 0.1.0")),
        .assign(.init((0..<4).map(assignment))),
        .ack(.init([JobAttempt(job: jobID(2), attempt: 1)])),
        .abort(.init([JobAttempt(job: jobID(7), attempt: 1)], reason: "sweep cancelled")),
        .heartbeat,
        .reconnect,
        .shutdown(.init(reason: "coordinator stopping", graceSeconds: 30)),
    ]

    static let clientRequests: [ClientRequest] = [
        .submit(.init(sourceText: "name: smoke\njobs: []\n", sourceName: "configs/smoke.yaml")),
        .status(.init(sweep: nil)),
        .status(.init(sweep: sweep)),
        .cancel(.init(sweep: sweep)),
        .workers,
        .report(.init(sweep: sweep)),
        .reportPage(.init(sweep: sweep, from: 2000, limit: 1000)),
    ]

    static let date = Date(timeIntervalSince1970: 1_700_000_000.25)

    static var clientReplies: [ClientReply] {
        var counts = ClientReply.JobCounts()
        counts[.clustered] = 7
        counts[.pending] = 3
        let record = SweepRecord(
            id: sweep, name: "smoke", sourceText: "name: smoke", sourceName: "smoke.yaml", maxAttempts: 3,
            jobTimeoutSeconds: 600, createdAt: date)
        let jobs = [
            JobRecord(id: jobID(1), index: 0, parameters: parameters(1, kind: .train), status: .clustered,
                      attempts: [AttemptRecord(jobID: jobID(1), number: 1, worker: worker, startedAt: date,
                                               endedAt: date, outcome: .completed)],
                      result: JobResult(status: .clustered, summary: summary, seconds: 2.5)),
            JobRecord(id: jobID(2), index: 1, parameters: parameters(2), status: .pending),
        ]
        return [
            .submitted(.init(sweep: sweep, name: "smoke", totalJobs: 10, alreadyDone: 2, resubmitted: false)),
            .status(.init(
                sweeps: [.init(sweep: sweep, name: "smoke", counts: counts, cancelled: false, createdAt: date,
                               finishedAt: nil, jobsPerSecond: 12.5, etaSeconds: 0.24)],
                workersAlive: 2, slotsAlive: 4, jobsPerSecond: 12.5)),
            .cancelled(.init(sweep: sweep, jobsCancelled: 3)),
            .workers(.init([.init(worker: worker, host: "node-1", pid: 4242, slots: 2, softwareVersion: "0.1.0",
                                  connectedAt: date, lastSeen: date, running: 2, completed: 10)])),
            .report(.init(sweep: record, jobs: jobs)),
            .reportPage(.init(sweep: record, page: ReportRowsPage(
                shapes: [#"{"experiment":{"dimension":2},"fail_attempts":0,"kind":"train","sleep_ms":0}"#],
                rows: [
                    ReportRow(id: jobID(1), index: 0, status: .clustered, shape: 0, seed: 7, attempts: 1, lastError: nil,
                              resultJSON: #"{"seconds":2.5,"status":"clustered","summary":null}"#, worker: worker),
                    ReportRow(id: jobID(2), index: 3, status: .failed, shape: 0, seed: nil, attempts: 3,
                              lastError: "boom ✗", resultJSON: nil),
                ],
                next: 4, more: true))),
            .reportPage(.init(sweep: record, page: ReportRowsPage(shapes: [], rows: [], next: 0, more: false))),
            .error(.init(code: .invalidSweep, message: "smoke.yaml:3: key 'points': expected an integer")),
        ]
    }

    /// Every valid encoding above, for fuzzing. Throws if any fixture fails to encode, so a
    /// broken fixture fails the tests that use the corpus instead of silently leaving it.
    static func allFrames() throws(WireError) -> [[[UInt8]]] {
        var frames: [[[UInt8]]] = []
        for message in workerMessages { frames.append(try WireCodec.encode(message)) }
        for message in coordinatorMessages { frames.append(try WireCodec.encode(message)) }
        for (i, request) in clientRequests.enumerated() { frames.append(try WireCodec.encode(request, requestID: UInt64(i))) }
        for (i, reply) in clientReplies.enumerated() { frames.append(try WireCodec.encode(reply, requestID: UInt64(i))) }
        return frames
    }
}
