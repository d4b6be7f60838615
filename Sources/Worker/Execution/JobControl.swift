import SweepModel
import SweepWire
import TrainingCore

/// A running job's line to its worker: whether to keep going, and where to report progress.
///
/// Owned by the slot thread running the job. `shouldContinue()` looks (without blocking) at the
/// slot's inproc socket for an abort from the worker's socket thread and checks the job's
/// deadline, so no state is shared between threads.
public final class JobControl {
    private let socket: WireChannel?
    private let attempt: JobAttempt
    private let deadline: ContinuousClock.Instant
    private let timeoutSeconds: Double
    private var aborted = false
    private var timedOut = false

    init(socket: WireChannel?, attempt: JobAttempt, timeoutSeconds: Double) {
        self.socket = socket
        self.attempt = attempt
        self.timeoutSeconds = timeoutSeconds
        let clamped = timeoutSeconds.isFinite ? min(max(timeoutSeconds, 0), 1e9) : 1e9
        self.deadline = ContinuousClock.now + .milliseconds(Int64(clamped * 1000))
    }

    /// A control for running a job outside a worker (tests, local runs): never aborted.
    public static func standalone(timeoutSeconds: Double = .infinity) -> JobControl {
        JobControl(socket: nil, attempt: JobAttempt(job: JobID(rawValue: ""), attempt: 1), timeoutSeconds: timeoutSeconds)
    }

    /// `false` once the job was aborted or ran past its timeout: stop and throw `stopReason`.
    public func shouldContinue() -> Bool {
        if aborted || timedOut { return false }
        if ContinuousClock.now >= deadline {
            timedOut = true
            return false
        }
        guard let socket else { return true }
        while true {
            let frames: [[UInt8]]?
            do {
                frames = try socket.tryReceive(maxFrames: 1)
            } catch {
                // The worker is exiting (its transport was shut down): stop the job.
                aborted = true
                return false
            }
            guard let frames else { break }
            if let frame = frames.first, case .abort(let target)? = try? SlotCommand.decode(frame), target == attempt {
                aborted = true
            }
        }
        return !aborted
    }

    /// The error to throw after `shouldContinue()` returned `false`.
    public var stopReason: JobError { timedOut && !aborted ? .timedOut(seconds: timeoutSeconds) : .aborted }

    /// Reports a training check; the worker forwards it to the coordinator.
    public func report(epoch: Int, metrics: MetricValues) {
        guard let socket else { return }
        let progress = WorkerMessage.Progress(job: attempt.job, attempt: attempt.attempt, epoch: epoch, metrics: metrics)
        if let frame = try? SlotEvent.progress(progress).encode() { _ = try? socket.trySend([frame]) }
    }
}
