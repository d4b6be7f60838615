import Dashboard
import Foundation
import Logging
import Synchronization

/// `run --dashboard`: the dashboard of the embedded coordinator, started once it listens,
/// stopped when the run ends (after Ctrl-C when a terminal is attached).
final class LiveDashboard: Sendable {
    private let listen: String
    private let access: DashboardAccessOptions
    private let stopRequest: StopRequest
    private let keepUp: Bool
    private let running = Mutex<BackgroundDashboard?>(nil)
    private let url = Mutex<String?>(nil)

    init(listen: String, access: DashboardAccessOptions, stop: StopRequest, keepUp: Bool) throws {
        self.listen = listen
        self.access = access
        self.stopRequest = stop
        self.keepUp = keepUp
        // Checked before the run starts, so a refused address fails at once.
        _ = try access.configuration(coordinator: "tcp://127.0.0.1:1", listen: listen)
    }

    /// Starts serving the dashboard of `coordinator`; a failure (a port in use) is reported and
    /// the run goes on without it.
    func start(coordinator: String) {
        do {
            let configuration = try access.configuration(coordinator: coordinator, listen: listen)
            let server = try DashboardServer(configuration: configuration, logger: Logger(label: "clustersweep.dashboard"))
            running.withLock {
                $0 = BackgroundDashboard(
                    server: server,
                    onListening: { [self] address in
                        url.withLock { $0 = address }
                        writeOut("dashboard: \(address)\n")
                    },
                    onFailure: { reason in printError("warning: the dashboard stopped: \(reason)") })
            }
        } catch {
            printError("warning: no dashboard: \(error)")
        }
    }

    /// With a terminal attached, keeps the page up until Ctrl-C.
    func holdUntilStopped() {
        guard keepUp, let address = url.withLock({ $0 }) else { return }
        writeOut("\nsweep ended; the dashboard stays up at \(address) until Ctrl-C\n")
        while !stopRequest.isRequested { Thread.sleep(forTimeInterval: 0.1) }
    }

    func stop() {
        running.withLock { $0 }?.stop()
    }
}
