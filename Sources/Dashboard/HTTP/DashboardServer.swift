import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle
import UnixSignals

/// The dashboard: the coordinator feed plus the HTTP server, run as services of one
/// `ServiceGroup`, so SIGTERM/SIGINT (or `triggerGracefulShutdown`) end event streams, stop the
/// server and the feed thread cleanly.
public struct DashboardServer: Sendable {
    public let configuration: DashboardConfiguration
    public let state: DashboardState
    public let metrics: DashboardMetrics
    let logger: Logger

    public init(configuration: DashboardConfiguration, logger: Logger) throws(DashboardError) {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        state = DashboardState(coordinator: configuration.coordinator)
        metrics = DashboardMetrics()
    }

    /// The service group that runs the dashboard; `signals` are the ones that shut it down
    /// gracefully (none when the caller handles signals itself). `onListening` gets the page's
    /// URL once the server accepts connections (with the real port when port 0 was asked for).
    public func serviceGroup(
        signals: [UnixSignal] = [.sigterm, .sigint], onListening: @escaping @Sendable (String) -> Void = { _ in }
    ) -> ServiceGroup {
        let shuttingDown = ShutdownFlag()
        let feed = CoordinatorFeed(configuration: configuration, state: state, metrics: metrics, logger: logger)
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: AccessMiddleware(credentials: configuration.credentials))
        DashboardRoutes(
            state: state, metrics: metrics, requests: OneShotRequests(configuration: configuration),
            shuttingDown: shuttingDown
        ).register(on: router)
        let listen = configuration.listen
        let app = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .seconds(configuration.idleTimeoutSeconds))),
            configuration: .init(
                address: .hostname(listen.host, port: listen.port), serverName: nil, backlog: 1024,
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)),
            onServerRunning: { channel in onListening(listen.url(port: channel.localAddress?.port)) },
            logger: logger)
        return ServiceGroup(configuration: .init(
            services: [
                .init(service: FeedService(feed: feed)),
                .init(service: app),
                // Shut down first (services stop in reverse order): ends the event streams so the
                // server's own graceful shutdown does not wait for them.
                .init(service: ShutdownWatcher(flag: shuttingDown)),
            ],
            gracefulShutdownSignals: signals,
            logger: logger))
    }
}

/// Runs the feed thread for as long as the service group runs.
struct FeedService: Service {
    let feed: CoordinatorFeed

    func run() async throws {
        feed.start()
        try? await gracefulShutdown()
        await withCheckedContinuation { continuation in
            let thread = Thread {
                feed.stop()
                continuation.resume()
            }
            thread.start()
        }
    }
}

/// Sets `flag` when the group starts shutting down.
struct ShutdownWatcher: Service {
    let flag: ShutdownFlag

    func run() async throws {
        try? await gracefulShutdown()
        flag.set()
    }
}
