import ArgumentParser
import Foundation
import SweepWire

/// Where a client command finds the coordinator, and how long it waits for an answer.
struct CoordinatorConnectionOptions: ParsableArguments {
    static let environmentVariable = "CLUSTERSWEEP_COORDINATOR"
    static let defaultEndpoint = "tcp://127.0.0.1:5555"

    @Option(
        name: .customLong("coordinator"),
        help: ArgumentHelp(
            "Coordinator endpoint.",
            discussion: "Default: $\(environmentVariable), else \(defaultEndpoint).",
            valueName: "endpoint"))
    var coordinator: String?

    @Option(help: ArgumentHelp("Seconds to wait for the coordinator's answer.", valueName: "seconds"))
    var timeout: Double = 10

    @OptionGroup var curve: CurveClientOptions

    var endpointText: String { Self.endpoint(explicit: coordinator) }

    /// The endpoint given on the command line, else `$CLUSTERSWEEP_COORDINATOR`, else the default.
    static func endpoint(explicit: String?) -> String {
        explicit ?? ProcessInfo.processInfo.environment[environmentVariable] ?? defaultEndpoint
    }

    mutating func validate() throws {
        do {
            _ = try Endpoint(parsing: endpointText)
        } catch {
            throw ValidationError("--coordinator: \(error.description)")
        }
        guard timeout.isFinite, timeout > 0 else {
            throw ValidationError("--timeout must be a number of seconds > 0 (got \(timeout))")
        }
    }

    /// A connected client; connection problems become a clean exit with the reason.
    func makeClient() throws -> SweepClient {
        do {
            return try SweepClient(endpoint: endpointText, timeoutSeconds: timeout, curve: try curve.keys())
        } catch let error as SweepClientError {
            throw CommandFailure(error.description)
        }
    }

    /// Runs `request` on a new client; its error becomes the command's failure, with its text.
    func call<T>(_ request: (SweepClient) throws(SweepClientError) -> T) throws -> T {
        let client = try makeClient()
        do {
            return try request(client)
        } catch {
            throw CommandFailure(error.description)
        }
    }
}
