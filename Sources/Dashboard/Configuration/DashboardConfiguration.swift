import Foundation
import SweepWire

/// Everything the dashboard needs to run; every field but the coordinator has a default.
public struct DashboardConfiguration: Sendable {
    /// The coordinator's endpoint (`tcp://HOST:PORT`).
    public var coordinator: String
    /// CURVE client keys when the coordinator requires them.
    public var curve: CurveClientKeys?
    /// Seconds the coordinator has to answer one request.
    public var requestTimeoutSeconds: Double = 5
    /// Where the HTTP server listens; loopback by default.
    public var listen = ListenAddress(host: "127.0.0.1", port: 8080)
    /// Users allowed in by HTTP basic auth; `nil`: no authentication (loopback or `insecure`).
    public var credentials: BasicAuthCredentials?
    /// Serve a non-loopback address without authentication anyway.
    public var insecure = false
    /// Seconds between two polls of the coordinator (status and new results).
    public var pollSeconds: Double = 0.25
    /// Seconds between two reads of the worker list.
    public var workersPollSeconds: Double = 1
    /// Most result pages read per poll, so a big backlog is read in steps (1000 jobs per page).
    public var pagesPerPoll = 8
    /// Seconds between two recomputations of a sweep's statistics and charts (at most).
    public var statisticsSeconds: Double = 1
    /// Recent failures kept per sweep.
    public var failuresKept = 20
    /// Seconds an HTTP connection may stay idle before it is closed.
    public var idleTimeoutSeconds: Int64 = 30
    /// Most HTTP connections served at once; more wait in the listen backlog.
    public var maxConnections = 1000

    public init(coordinator: String) {
        self.coordinator = coordinator
    }

    /// Checks that the listen address may be served as configured.
    public func validate() throws(DashboardError) {
        if !listen.isLoopback && credentials == nil && !insecure {
            throw .exposedWithoutAuthentication(listen)
        }
    }
}
