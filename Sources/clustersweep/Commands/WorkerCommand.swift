import ArgumentParser
import Foundation
import SweepWire
import Worker
import Logging
import TrainingCore

/// `clustersweep worker --connect ENDPOINT`: runs jobs for a coordinator until stopped.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run jobs for a coordinator (connects out; needs no open port).",
        discussion: """
            The worker reconnects by itself (backoff 1 s to 32 s) when the coordinator is away or \
            restarts, and delivers every finished result until the coordinator acknowledges it. \
            SIGTERM/SIGINT: stop taking jobs, let running ones finish within --grace-period, hand \
            back the rest, exit 0. With --idle-exit the idle time counts from the first welcome: \
            a worker no coordinator ever welcomed within it exits 1 with the reason, and so does one \
            whose key the coordinator refused 3 times (with --idle-exit or --max-jobs); without \
            them it keeps trying and logs each refusal.
            """)

    @Option(
        help: ArgumentHelp(
            "Coordinator endpoint (default: $\(CoordinatorConnectionOptions.environmentVariable), else \(CoordinatorConnectionOptions.defaultEndpoint)).",
            valueName: "endpoint"))
    var connect: String?

    @Option(help: ArgumentHelp("Jobs run at once, one thread each (default: number of cores).", valueName: "n"))
    var slots: Int?

    @Option(help: ArgumentHelp("Jobs held beyond the slots so no slot waits for a round trip (default: one per slot, two while jobs average under 50 ms).", valueName: "n"))
    var prefetch: Int?

    @Option(help: ArgumentHelp("Exit after running this many jobs (e.g. for batch allocations).", valueName: "n"))
    var maxJobs: Int?

    @Option(help: ArgumentHelp("Exit after this many seconds without a job (e.g. so a Slurm allocation ends).", valueName: "seconds"))
    var idleExit: Double?

    @Option(help: ArgumentHelp("Seconds running jobs may take to finish after SIGTERM before they are handed back.", valueName: "seconds"))
    var gracePeriod: Double = 30

    @OptionGroup var kernels: KernelOptions

    @OptionGroup var curve: CurveClientOptions

    @OptionGroup var logging: LoggingOptions

    var endpointText: String {
        CoordinatorConnectionOptions.endpoint(explicit: connect)
    }

    mutating func validate() throws {
        do {
            _ = try Endpoint(parsing: endpointText)
        } catch {
            throw ValidationError("--connect: \(error.description)")
        }
        if let slots, !(1...4096).contains(slots) { throw ValidationError("--slots must be between 1 and 4096 (got \(slots))") }
        if let prefetch, !(0...4096).contains(prefetch) { throw ValidationError("--prefetch must be between 0 and 4096 (got \(prefetch))") }
        if let maxJobs, maxJobs < 1 { throw ValidationError("--max-jobs must be at least 1 (got \(maxJobs))") }
        if let idleExit, !(idleExit.isFinite && idleExit > 0) { throw ValidationError("--idle-exit must be a number of seconds > 0 (got \(idleExit))") }
        guard gracePeriod.isFinite, gracePeriod >= 0 else { throw ValidationError("--grace-period must be a number of seconds >= 0 (got \(gracePeriod))") }
    }

    func run() throws {
        let logger = logging.bootstrap(label: "clustersweep.worker")
        var configuration = WorkerConfiguration(endpoint: endpointText)
        if let slots { configuration.slots = slots }
        configuration.maxJobs = maxJobs
        configuration.prefetch = prefetch
        configuration.idleExit = idleExit.map { .milliseconds(Int64($0 * 1000)) }
        configuration.gracePeriod = .milliseconds(Int64(gracePeriod * 1000))
        configuration.softwareVersion = "clustersweep \(ClusterSweep.configuration.version)"
        configuration.kernelFamily = kernels.family.rawValue
        configuration.curve = try curve.keys { logger.warning("\($0)") }
        let exit: WorkerExit
        do {
            let executor = TrainJobRunner.executor(kernelFamily: kernels.family)
            logger.info("worker kernels", metadata: ["family": "\(kernels.family.rawValue)", "worker": "\(configuration.workerID)"])
            let service = try WorkerService(configuration: configuration, executor: executor, logger: logger)
            let signalSources = service.stopOnSignals()
            exit = try service.run()
            withExtendedLifetime(signalSources) {}
            logger.info("worker exiting", metadata: ["reason": "\(exit)", "worker": "\(configuration.workerID)"])
        } catch {
            throw CommandFailure("worker: \(error.description)")
        }
        // A worker that never worked must not look like success to a job scheduler (Slurm, k8s).
        if exit.isFailure { throw CommandFailure("worker: \(exit)") }
    }
}
