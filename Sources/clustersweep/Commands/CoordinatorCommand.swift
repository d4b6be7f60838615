import ArgumentParser
import Coordinator
import Foundation
import SweepWire

/// `clustersweep coordinator --bind ENDPOINT --state FILE`: serves workers and clients until stopped.
struct CoordinatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Hand out jobs to workers and record every result in a state file.",
        discussion: """
            Prints 'coordinator listening on ENDPOINT' on standard output once ready (a port of 0 \
            or * binds a free one). Everything it acknowledges is committed to --state first; \
            restarted on the same file it resumes where it stopped. SIGTERM/SIGINT: finish the \
            current batch and exit 0 (workers keep their jobs and reconnect to the next start). \
            With --curve-secret-key and --authorized-keys, only listed keys may connect (worker \
            keys take and finish jobs, client keys submit, cancel and read); SIGHUP re-reads the \
            authorized keys. Binding a non-loopback address without CURVE needs --insecure.
            """)

    @Option(help: ArgumentHelp("Endpoint to listen on, e.g. tcp://127.0.0.1:5555.", valueName: "endpoint"))
    var bind: String = CoordinatorConnectionOptions.defaultEndpoint

    @Option(help: ArgumentHelp("The SQLite state file (created if missing).", valueName: "file"))
    var state: String

    @Option(help: ArgumentHelp("Seconds between heartbeats both ways; a worker silent for 3 is dead.", valueName: "seconds"))
    var heartbeatInterval: Double = 1

    @OptionGroup var curve: CurveServerOptions

    @OptionGroup var logging: LoggingOptions

    mutating func validate() throws {
        do {
            _ = try Endpoint(parsing: bind)
        } catch {
            throw ValidationError("--bind: \(error.description)")
        }
        guard heartbeatInterval.isFinite, heartbeatInterval >= 0.05, heartbeatInterval <= 3600 else {
            throw ValidationError("--heartbeat-interval must be between 0.05 and 3600 seconds (got \(heartbeatInterval))")
        }
        guard !state.isEmpty else { throw ValidationError("--state must name a file") }
    }

    func run() throws {
        let logger = logging.bootstrap(label: "clustersweep.coordinator")
        var configuration = CoordinatorConfiguration(bind: bind, statePath: state)
        configuration.scheduler.heartbeatInterval = .milliseconds(Int64(heartbeatInterval * 1000))
        configuration.softwareVersion = "clustersweep \(ClusterSweep.configuration.version)"
        configuration.security = curve.configuration
        configuration.allowInsecureBind = curve.insecure
        do {
            let service = try CoordinatorService(configuration: configuration, logger: logger)
            let signalSources = service.stopOnSignals()
            let hangup = service.reloadKeysOnHangup()
            let secured = configuration.security != nil ? " (CURVE)" : ""
            try service.run { endpoint in writeOut("coordinator listening on \(endpoint)\(secured)\n") }
            withExtendedLifetime((signalSources, hangup)) {}
        } catch {
            throw CommandFailure("coordinator: \(error.description)")
        }
    }
}
