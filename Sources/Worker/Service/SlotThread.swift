import Foundation
import SweepModel
import SweepWire

/// One job slot: a thread that takes `run` commands from the socket thread over inproc, runs
/// each job with the executor and reports the outcome.
struct SlotThread {
    let index: Int
    let transport: WireTransport
    let endpoint: String
    let executor: any JobExecutor

    /// The routing id of slot `index`'s socket, by which the socket thread addresses it.
    static func routingID(_ index: Int) -> [UInt8] { Array("slot-\(index)".utf8) }

    /// Starts the thread; it ends on `stop` or when the transport shuts down.
    func start() {
        let slot = self
        let thread = Thread { slot.run() }
        thread.name = "slot-\(index)"
        thread.start()
    }

    private func run() {
        do {
            let socket = try transport.hubPeer(connect: endpoint, routingID: Self.routingID(index))
            try socket.send([SlotEvent.started.encode()])
            while true {
                // One frame per command; several `run`s for tiny jobs come as one message, and
                // their outcomes go back as one message, in order.
                let frames = try socket.receive(maxFrames: SlotCommand.maxBatch)
                var outcomes: [[UInt8]] = []
                for frame in frames {
                    let command: SlotCommand
                    do {
                        command = try SlotCommand.decode(frame)
                    } catch {
                        // A job that does not decode fails here, where it would have run, so the
                        // socket thread gets its slot back and the coordinator hears why.
                        if let attempt = SlotCommand.runAttempt(frame) {
                            let failed = FailedJob(job: attempt.job, attempt: attempt.attempt, error: "undecodable assignment: \(error)")
                            outcomes.append(try SlotEvent.failed(failed).encode())
                        }
                        continue
                    }
                    switch command {
                    case .stop:
                        if !outcomes.isEmpty { try socket.send(outcomes) }
                        return
                    case .abort: continue  // not running anything: nothing to abort
                    case .run(let job): outcomes.append(try outcome(of: job, socket: socket).encode())
                    }
                }
                if !outcomes.isEmpty { try socket.send(outcomes) }
            }
        } catch {
            // The transport was shut down (normal end) or the in-process channel failed: the thread ends,
            // and the socket thread no longer hears from this slot.
        }
    }

    private func outcome(of job: JobAssignment, socket: WireChannel) -> SlotEvent {
        let control = JobControl(socket: socket, attempt: job.jobAttempt, timeoutSeconds: job.timeoutSeconds)
        do {
            let result = try executor.run(job, control: control)
            let completed = CompletedJob(job: job.job, attempt: job.attempt, result: result)
            do {
                return .finished(try EncodedResult(completed))
            } catch {
                return .failed(FailedJob(job: job.job, attempt: job.attempt, error: "result not encodable: \(error)"))
            }
        } catch JobError.aborted {
            return .abandoned(job.jobAttempt)
        } catch {
            return .failed(FailedJob(job: job.job, attempt: job.attempt, error: "\(error)"))
        }
    }
}
