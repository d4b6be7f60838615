import ArgumentParser
import Foundation
import SweepWire

/// The coordinator's CURVE flags: its secret key, the authorized keys file, and `--insecure`
/// for a non-loopback bind without CURVE. Key paths fall back to environment variables.
struct CurveServerOptions: ParsableArguments {
    static let secretKeyVariable = CurveClientOptions.secretKeyVariable
    static let authorizedKeysVariable = "CLUSTERSWEEP_AUTHORIZED_KEYS"

    @Option(
        name: .customLong("curve-secret-key"),
        help: ArgumentHelp(
            "The coordinator's CURVE secret key file (secret.key from 'clustersweep keygen').",
            discussion: "Default: $\(secretKeyVariable). Turns CURVE on; needs --authorized-keys.",
            valueName: "file"))
    var secretKeyPath: String?

    @Option(
        name: .customLong("authorized-keys"),
        help: ArgumentHelp(
            "Who may connect: 'ROLE KEY [comment]' lines, ROLE worker or client. Re-read on SIGHUP.",
            discussion: "Default: $\(authorizedKeysVariable).",
            valueName: "file"))
    var authorizedKeysPath: String?

    @Flag(help: "Allow binding a non-loopback address without CURVE (only on a network you fully trust).")
    var insecure = false

    var resolvedSecretKeyPath: String? { secretKeyPath ?? Self.environment(Self.secretKeyVariable) }
    var resolvedAuthorizedKeysPath: String? { authorizedKeysPath ?? Self.environment(Self.authorizedKeysVariable) }

    mutating func validate() throws {
        switch (resolvedSecretKeyPath, resolvedAuthorizedKeysPath) {
        case (nil, nil), (.some, .some):
            return
        case (.some, nil):
            throw ValidationError("--curve-secret-key needs --authorized-keys (or $\(Self.authorizedKeysVariable)): without it nobody could connect")
        case (nil, .some):
            throw ValidationError("--authorized-keys needs --curve-secret-key (or $\(Self.secretKeyVariable)): the coordinator's own secret key")
        }
    }

    /// The security configuration, or `nil` when CURVE is off.
    var configuration: CoordinatorSecurityConfiguration? {
        guard let secret = resolvedSecretKeyPath, let authorized = resolvedAuthorizedKeysPath else { return nil }
        return CoordinatorSecurityConfiguration(serverSecretKeyPath: secret, authorizedKeysPath: authorized)
    }

    /// Refuses a bind of `endpoint` that would expose the coordinator without authentication.
    func checkBind(_ endpoint: Endpoint) throws {
        do {
            try BindPolicy.check(endpoint: endpoint, curveEnabled: configuration != nil, insecure: insecure)
        } catch {
            throw CommandFailure(error.description)
        }
    }

    private static func environment(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}
