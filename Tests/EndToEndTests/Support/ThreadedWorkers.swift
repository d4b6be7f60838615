import Foundation
import Logging
import Synchronization
import Worker

/// Many worker connections in this process: one `WorkerService` (its own DEALER socket, socket
/// thread and slot threads) per connection, all speaking the real protocol to a coordinator
/// process. Cheaper than a process per socket on a 2-core machine, so the coordinator, not
/// process start-up, is what a load test measures.
final class ThreadedWorkers {
    private let services: [WorkerService]
    private let finished = DispatchSemaphore(value: 0)
    private let failures = Failures()

    /// The errors `run()` threw, one line per failed service, shared with the service threads.
    private final class Failures: Sendable {
        let lines = Mutex<[String]>([])
    }

    /// The errors `run()` threw, one line per failed service (empty while all are well).
    var errors: [String] { failures.lines.withLock { $0 } }

    init(count: Int, endpoint: String, slots: Int) throws {
        var logger = Logger(label: "load-worker") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .error
        services = try (0..<count).map { _ in
            var configuration = WorkerConfiguration(endpoint: endpoint)
            configuration.slots = slots
            configuration.gracePeriod = .seconds(2)
            return try WorkerService(configuration: configuration, logger: logger)
        }
        for service in services {
            let finished = self.finished
            let failures = self.failures
            let thread = Thread {
                do {
                    _ = try service.run()
                } catch {
                    failures.lines.withLock { $0.append("\(error)") }
                }
                finished.signal()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Stops every service and waits (up to `timeout` seconds) for their threads to end.
    func stop(timeout: Double = 30) {
        for service in services { service.requestStop() }
        let deadline = DispatchTime.now() + timeout
        for _ in services where finished.wait(timeout: deadline) == .timedOut { return }
    }

    deinit { stop(timeout: 10) }
}
