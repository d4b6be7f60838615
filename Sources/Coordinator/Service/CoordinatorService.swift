import Dispatch
import Foundation
import Logging
import SweepModel
import SweepStore
import SweepWire
import Synchronization

/// A coordinator process's service: serves workers and clients on one ROUTER socket, schedules
/// jobs with the `Scheduler`, and commits everything to the state file before acknowledging it.
///
/// `init` opens (or creates and migrates) the state file and rebuilds the scheduler from it, so
/// a coordinator restarted on the same file resumes: done stays done, running attempts wait for
/// their workers to come back. `run()` blocks the calling thread, which becomes the only owner of
/// the socket (see `CoordinatorLoop`); `requestStop()` may be called from any thread. One-shot:
/// `run()` may be called once.
public final class CoordinatorService: Sendable {
    /// How the log line begins when one loop iteration stalled workers and clients (time beyond
    /// the allowance is left out of the scheduler's clock): benchmarks and tests count it.
    public static let busyLoopNotice = "the coordinator loop was busy"

    public let configuration: CoordinatorConfiguration
    private let logger: Logger
    private let store: ResultStore
    /// Whether this service created the state file (so a failed first bind can remove it again).
    private let createdStateFile: Bool
    private let transport: WireTransport
    /// CURVE authentication (ZAP handler and per-message role checks); `nil` for plain TCP.
    private let security: CoordinatorSecurity?
    private let controlEndpoint: String
    private let clockStart: ContinuousClock.Instant
    private let state: Mutex<State>

    private struct State: Sendable {
        /// What `run()` starts from; taken by the first `run()`.
        var restored: (scheduler: Scheduler, directory: SweepDirectory)?
        var stop: CoordinatorLoop.StopRequest?
        /// `false` once `run()` terminated the transport: no channel may be made from it any more.
        var contextOpen = true
        /// The exclusive right to write the state file, from `init` until `run()` returns.
        var lock: StateFileLock?
    }

    /// Opens the state file and restores the scheduler from it. Throws `storeUnavailable` naming
    /// the file when it cannot be opened, is not a ClusterSweep store, or is from a newer version.
    public init(configuration: CoordinatorConfiguration, logger: Logger) throws(CoordinatorError) {
        self.configuration = configuration
        self.logger = logger
        // Refuse an unauthenticated public bind before touching the state file.
        do {
            let endpoint = try Endpoint(parsing: configuration.bind)
            try BindPolicy.check(
                endpoint: endpoint, curveEnabled: configuration.security != nil,
                insecure: configuration.allowInsecureBind)
        } catch let error as EndpointError {
            throw .invalidEndpoint(configuration.bind, reason: error.reason)
        } catch let error as SecurityError {
            throw .security(error)
        } catch {
            throw .invalidEndpoint(configuration.bind, reason: "\(error)")
        }
        // One owner per state file. A file that no owner may open is refused first, without a
        // trace; then the keys (a bad key file must not leave a new state file behind either);
        // then the lock, so a second owner never opens (and so never touches) the store.
        do {
            try ResultStore.checkBeforeOpening(path: configuration.statePath)
        } catch {
            throw .storeUnavailable(error)
        }
        let transport: WireTransport
        do {
            transport = try WireTransport()
        } catch {
            throw .transport(operation: "creating the transport", error)
        }
        // The ZAP handler must be running on the transport before the CURVE listener binds.
        var security: CoordinatorSecurity?
        if let securityConfiguration = configuration.security {
            do {
                security = try CoordinatorSecurity(configuration: securityConfiguration, transport: transport, logger: logger)
            } catch {
                transport.terminate()
                throw .security(error)
            }
        }
        self.transport = transport
        self.security = security
        var lockFailure: StateFileLock.Failure?
        var lock: StateFileLock?
        do {
            lock = try StateFileLock(statePath: configuration.statePath, holder: .current(command: configuration.ownerName))
        } catch .held(let file, let holder) {
            security?.stop()
            transport.terminate()
            throw .stateFileInUse(path: configuration.statePath, .held(lockFile: file, by: holder))
        } catch {
            // No lock file (a read-only or missing directory): opening the store names the cause.
            lockFailure = error
        }
        // A start that fails from here on leaves no lock file it created and no socket behind.
        var started = false
        defer {
            if !started {
                lock?.removeFileIfCreated()
                security?.stop()
                transport.terminate()
            }
        }
        if let previous = lock?.takenOverFrom, let lock {
            logger.notice("taking over the state file from an owner that ended without releasing it", metadata: [
                "previous": "\(previous)", "lock": "\(lock.lockFile)",
            ])
        }
        createdStateFile = !FileManager.default.fileExists(atPath: configuration.statePath)
        do {
            store = try ResultStore(path: configuration.statePath)
        } catch {
            throw .storeUnavailable(error)
        }
        if let lockFailure { throw .stateFileInUse(path: configuration.statePath, lockFailure) }
        clockStart = ContinuousClock.now
        let restored = try Self.restore(from: store, configuration: configuration, logger: logger)
        controlEndpoint = "inproc://clustersweep-coordinator-control-\(UUID().uuidString)"
        state = Mutex(State(restored: restored, lock: lock))
        started = true
    }

    /// Binds, calls `onReady` with the endpoint actually bound (e.g. `tcp://127.0.0.1:41234`), and
    /// serves until stopped. Throws if binding fails, a commit fails (nothing of that batch was
    /// sent; restart on the same file to resume) or the socket breaks.
    public func run(onReady: @Sendable (String) -> Void = { _ in }) throws(CoordinatorError) {
        guard let restored = state.withLock({ state in
            defer { state.restored = nil }
            return state.restored
        }) else { throw .alreadyRan }
        defer {
            terminateContext()
            state.withLock { $0.lock = nil }
        }
        let loop: CoordinatorLoop
        do {
            loop = try CoordinatorLoop(
                configuration: configuration, logger: logger, store: store, scheduler: restored.scheduler,
                directory: restored.directory, transport: transport, security: security, controlEndpoint: controlEndpoint,
                clockStart: clockStart, stopRequest: { [self] in state.withLock { $0.stop } })
        } catch {
            if case .bindFailed = error { removeUnusedStateFile() }
            throw error
        }
        defer { loop.close() }
        // Deletions a previous coordinator began and did not finish go on between iterations.
        do {
            loop.deletions = try store.sweepsBeingDeleted().map { SweepDeletion(sweep: $0, name: "", reply: nil) }
        } catch {
            throw .storeUnavailable(error)
        }
        if !loop.deletions.isEmpty {
            logger.info("resuming sweep deletions", metadata: ["sweeps": "\(loop.deletions.count)"])
        }
        // So do the retries it was re-queueing: `restore` read them into the scheduler.
        loop.retries = loop.scheduler.requeueingSweeps
        if !loop.retries.isEmpty {
            logger.info("resuming retries", metadata: ["sweeps": "\(loop.retries.count)"])
        }
        state.withLock { $0.lock }?.write(.current(command: configuration.ownerName, endpoint: loop.endpoint))
        onReady(loop.endpoint)
        try loop.run()
    }

    /// After a failed first bind: a state file this service created and that holds no sweep is
    /// removed again (with its WAL companions and lock file), so a typo'd port leaves nothing behind.
    private func removeUnusedStateFile() {
        guard createdStateFile, (try? store.sweeps().isEmpty) == true else { return }
        for suffix in ["", "-wal", "-shm", ".lock"] {
            try? FileManager.default.removeItem(atPath: configuration.statePath + suffix)
        }
    }

    /// Asks `run()` to stop. Without `shutdownWorkers` it returns after the current iteration
    /// (everything received so far committed and answered); workers keep their jobs and reconnect
    /// to the next coordinator on the same file. With `shutdownWorkers`, live workers are told to
    /// finish or hand back their jobs and exit, and `run()` returns once they said goodbye or
    /// after `shutdownGrace + shutdownLinger`. Thread-safe, idempotent.
    public func requestStop(shutdownWorkers: Bool = false) {
        state.withLock { state in
            let before = state.stop?.shutdownWorkers ?? false
            state.stop = .init(shutdownWorkers: before || shutdownWorkers)
            // Wake the loop now rather than at its next tick (at most a housekeeping period away).
            // The channel is made under the lock, so the transport cannot be terminated meanwhile.
            guard state.contextOpen, let socket = try? transport.wakeUpSender() else { return }
            try? socket.connect(controlEndpoint)
            _ = try? socket.trySend([Array("stop".utf8)])
            socket.close()
        }
    }

    /// Calls `requestStop(shutdownWorkers:)` on each of `signals` (default SIGTERM and SIGINT)
    /// instead of dying. Keep the returned sources alive as long as the handlers should stay.
    public func stopOnSignals(
        _ signals: [Int32] = [SIGTERM, SIGINT], shutdownWorkers: Bool = false
    ) -> [any DispatchSourceSignal] {
        SignalHandlers.install(signals) { [weak self] _ in self?.requestStop(shutdownWorkers: shutdownWorkers) }
    }

    /// Re-reads the authorized keys file on SIGHUP (new connections use the new keys; on error
    /// the old keys stay in force). Returns `nil` when CURVE is off. Keep the source alive.
    public func reloadKeysOnHangup() -> (any DispatchSourceSignal)? {
        guard let security else { return nil }
        let logger = self.logger
        return SignalHandlers.install([SIGHUP]) { _ in
            do {
                let keys = try security.reloadAuthorizedKeys()
                logger.notice("authorized keys reloaded", metadata: [
                    "file": "\(security.configuration.authorizedKeysPath)", "keys": "\(keys.count)",
                ])
            } catch {
                logger.error("reloading the authorized keys failed; the previous keys stay in force", metadata: [
                    "error": "\(error)",
                ])
            }
        }.first
    }

    private func terminateContext() {
        state.withLock { $0.contextOpen = false }
        // The listener is closed by now (the loop closes it first); then the ZAP handler, then the transport.
        security?.stop()
        transport.terminate()
    }

    // MARK: - Restoring

    /// Rebuilds the scheduler from the store's restart snapshot (open sweeps and their unfinished
    /// jobs) and the directory of every sweep, and commits the repairs the scheduler asks for.
    private static func restore(
        from store: ResultStore, configuration: CoordinatorConfiguration, logger: Logger
    ) throws(CoordinatorError) -> (scheduler: Scheduler, directory: SweepDirectory) {
        do {
            let snapshot = try store.restartSnapshot()
            var jobsBySweep: [SweepID: [JobRecord]] = [:]
            for job in snapshot.jobs {
                for sweep in job.sweeps { jobsBySweep[sweep, default: []].append(job.record) }
            }
            let open = Set(snapshot.openSweeps.map(\.id))
            let retrying = Dictionary(
                try store.retriesInProgress().map { ($0.sweep, JobStatusCounts($0.awaiting)) }, uniquingKeysWith: { first, _ in first })
            var directory = SweepDirectory()
            var stored: [StoredSweep] = []
            for record in try store.sweeps() {
                let counts = try store.counts(sweep: record.id)
                if open.contains(record.id) {
                    // The scheduler gets the open jobs; the final ones are counted here.
                    directory.add(record, countsOutsideScheduler: JobStatusCounts(counts, only: \.isFinal))
                    stored.append(StoredSweep(
                        record: record, jobs: jobsBySweep[record.id] ?? [], awaitingRetry: retrying[record.id]))
                } else {
                    directory.add(record, countsOutsideScheduler: JobStatusCounts(counts))
                }
            }
            let (scheduler, actions) = Scheduler.restored(from: stored, configuration: configuration.scheduler, now: .zero)
            var batch = PersistenceBatch()
            let date = Date()
            for case .persist(let change) in actions { batch.add(change, directory: directory) }
            if !batch.changes.isEmpty { try store.apply(batch.changes, at: date) }
            batch.committed(into: &directory, at: date)
            if !stored.isEmpty {
                logger.info("resuming from the state file", metadata: [
                    "state": "\(store.path)", "openSweeps": "\(stored.count)", "pending": "\(scheduler.pendingJobs)",
                    "running": "\(snapshot.jobs.filter { !$0.runningAttempts.isEmpty }.count)",
                ])
            }
            return (scheduler, directory)
        } catch {
            throw .storeUnavailable(error)
        }
    }
}
