import ArgumentParser
import Dashboard
import Foundation
import Logging
import ServiceLifecycle

/// `clustersweep dashboard`: a client of the coordinator (like `watch`) serving the live page,
/// `/metrics` and the current reports over HTTP until SIGTERM or Ctrl-C.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Serve a live dashboard and Prometheus metrics of a coordinator over HTTP.",
        discussion: """
            Serves / (the live page), /metrics (Prometheus text format 0.0.4), /api/status (as \
            'status --json') and /api/sweeps/SWEEP/report.json|html|csv. Listens on loopback by \
            default; a non-loopback --listen needs --password-file (HTTP basic auth) or --insecure. \
            From a laptop: ssh -L 8080:127.0.0.1:8080 COORDINATOR-HOST, then open http://127.0.0.1:8080/.
            """)

    @Option(help: ArgumentHelp("Address to serve HTTP on.", valueName: "host:port"))
    var listen = ListenAddress.defaultText

    @OptionGroup var access: DashboardAccessOptions
    @OptionGroup var connection: CoordinatorConnectionOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        var configuration = try access.configuration(coordinator: connection.endpointText, listen: listen)
        configuration.curve = try connection.curve.keys()
        configuration.requestTimeoutSeconds = connection.timeout
        let logger = logging.bootstrap(label: "clustersweep.dashboard")
        let server: DashboardServer
        do {
            server = try DashboardServer(configuration: configuration, logger: logger)
        } catch {
            throw CommandFailure(error.description)
        }
        let group = server.serviceGroup(onListening: { url in writeOut("dashboard: \(url)\n") })
        do {
            try await group.run()
        } catch {
            throw CommandFailure("the dashboard stopped: \(BackgroundDashboard.reason(error, flag: "--listen"))")
        }
    }
}
