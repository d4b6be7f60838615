import ArgumentParser
import Dashboard
import Foundation

/// How the dashboard serves HTTP: where it listens and who may read it. Shared by `dashboard`
/// and `run --dashboard`.
struct DashboardAccessOptions: ParsableArguments {
    @Option(
        name: .customLong("password-file"),
        help: ArgumentHelp(
            "File of 'user:password' lines (mode 0600): require HTTP basic auth.",
            discussion: "Required to listen on an address other machines can reach, unless --insecure.",
            valueName: "file"))
    var passwordFile: String?

    @Flag(help: "Serve a non-loopback --listen address without authentication.")
    var insecure = false

    /// The dashboard configuration for `coordinator` listening on `listen`; invalid input becomes a
    /// failure with the reason (and, for an exposed address, what to do about it).
    func configuration(coordinator: String, listen: String) throws -> DashboardConfiguration {
        var configuration = DashboardConfiguration(coordinator: coordinator)
        do {
            configuration.listen = try ListenAddress(parsing: listen)
            configuration.credentials = try passwordFile.map { path throws(DashboardError) in
                try BasicAuthCredentials.read(path: path)
            }
            configuration.insecure = insecure
            try configuration.validate()
        } catch {
            throw CommandFailure(error.description)
        }
        return configuration
    }
}
