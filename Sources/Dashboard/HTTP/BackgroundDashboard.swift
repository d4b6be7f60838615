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
                onFailure(Self.reason(error))
            }
            done.signal()
        }
    }

    /// Why the server stopped, in words (NIO's bind error reads `bind(descriptor:ptr:bytes:): ...`).
    public static func reason(_ error: any Error, flag: String = "--dashboard") -> String {
        let text = "\(error)"
        if text.contains("errno: 98") || text.contains("Address already in use") {
            return "its address is already in use (another dashboard or server?); choose another with \(flag) HOST:PORT"
        }
        if text.contains("errno: 13") || text.contains("Permission denied") {
            return "it may not listen on that address (permission denied; ports below 1024 need root)"
        }
        return text
    }

    /// Shuts the dashboard down and waits (at most `timeoutSeconds`) for it to finish.
    public func stop(timeoutSeconds: Double = 10) {
        let group = group
        Task.detached { await group.triggerGracefulShutdown() }
        _ = done.wait(timeout: .now() + timeoutSeconds)
    }
}
