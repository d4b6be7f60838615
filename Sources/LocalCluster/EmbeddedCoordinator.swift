import Coordinator
import Foundation
import Logging
import Synchronization

/// A `CoordinatorService` running on its own thread inside this process, for `run` and benchmarks.
///
/// The service's socket lives on that thread (ZeroMQ sockets belong to one thread); this handle
/// only waits for the bound endpoint, asks it to stop and collects its outcome.
public final class EmbeddedCoordinator: Sendable {
    private let service: CoordinatorService
    private let state = Mutex<State>(State())

    private struct State {
        var endpoint: String?
        var error: String?
        var finished = false
    }

    /// Opens the store and starts the coordinator on `bind` (port 0: a free port).
    public convenience init(statePath: String, bind: String = "tcp://127.0.0.1:0", logger: Logger) throws(LocalRunError) {
        var configuration = CoordinatorConfiguration(bind: bind, statePath: statePath)
        configuration.ownerName = "clustersweep run"
        try self.init(configuration: configuration, logger: logger)
    }

    /// Opens the store and starts a coordinator with every setting given (e.g. a benchmark's prefetch).
    public init(configuration: CoordinatorConfiguration, logger: Logger) throws(LocalRunError) {
        do {
            service = try CoordinatorService(configuration: configuration, logger: logger)
        } catch {
            throw LocalRunError.coordinatorFailed(error.description)
        }
        let thread = Thread { [self] in
            do {
                try service.run(onReady: { [self] endpoint in state.withLock { $0.endpoint = endpoint } })
            } catch {
                state.withLock { $0.error = "\(error)" }
            }
            state.withLock { $0.finished = true }
        }
        thread.name = "coordinator"
        thread.start()
    }

    /// The bound endpoint, once the coordinator listens (waits up to `timeout`).
    public func waitUntilReady(timeout: Duration = .seconds(10)) throws(LocalRunError) -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let snapshot = state.withLock { $0 }
            if let endpoint = snapshot.endpoint { return endpoint }
            if snapshot.finished {
                throw LocalRunError.coordinatorFailed(snapshot.error ?? "stopped before listening")
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        throw LocalRunError.coordinatorFailed("not listening after \(timeout)")
    }

    /// The coordinator's failure, if it stopped on its own (e.g. the store became unwritable).
    public var failure: String? { state.withLock { $0.finished ? $0.error : nil } }

    /// Stops the coordinator (telling workers to shut down first when asked) and waits for it.
    public func stop(shutdownWorkers: Bool, timeout: Duration = .seconds(15)) {
        service.requestStop(shutdownWorkers: shutdownWorkers)
        let deadline = ContinuousClock.now + timeout
        while !state.withLock({ $0.finished }), ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
    }
}
