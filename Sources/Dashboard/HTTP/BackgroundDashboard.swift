import Foundation
import Logging
import ServiceLifecycle

/// A dashboard running beside synchronous code (`run --dashboard`): its service group runs on
/// the concurrency pool until `stop()`, which shuts it down gracefully and waits for it.
public final class BackgroundDashboard: Sendable {
    private let group: ServiceGroup
    private let done = DispatchSemaphore(value: 0)

    /// Starts `server`; `onListening` gets the page's URL, `onFailure` why it stopped early
    /// (e.g. the port is taken); signals stay with the caller.
    public init(
        server: DashboardServer, onListening: @escaping @Sendable (String) -> Void,
        onFailure: @escaping @Sendable (String) -> Void
    ) {
        let group = server.serviceGroup(signals: [], onListening: onListening)
        self.group = group
        let done = done
        Task.detached {
            do {
                try await group.run()
            } catch {
                onFailure("\(error)")
            }
            done.signal()
        }
    }

    /// Shuts the dashboard down and waits (at most `timeoutSeconds`) for it to finish.
    public func stop(timeoutSeconds: Double = 10) {
        let group = group
        Task.detached { await group.triggerGracefulShutdown() }
        _ = done.wait(timeout: .now() + timeoutSeconds)
    }
}
