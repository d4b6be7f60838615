import ArgumentParser
import Foundation
import SweepWire

/// The CURVE keys a worker or client connects with: the coordinator's public key and this
/// peer's own secret key (its public half is derived from it). Both or neither; each falls back
/// to an environment variable, so key paths can stay out of command lines.
struct CurveClientOptions: ParsableArguments {
    static let serverKeyVariable = "CLUSTERSWEEP_CURVE_SERVER_KEY"
    static let secretKeyVariable = "CLUSTERSWEEP_CURVE_SECRET_KEY"

    @Option(
        name: .customLong("curve-server-key"),
        help: ArgumentHelp(
            "The coordinator's CURVE public key file (its public.key).",
            discussion: "Default: $\(serverKeyVariable). Needs --curve-secret-key too.",
            valueName: "file"))
    var serverKeyPath: String?

    @Option(
        name: .customLong("curve-secret-key"),
        help: ArgumentHelp(
            "This peer's CURVE secret key file (secret.key from 'clustersweep keygen', mode 0600).",
            discussion: "Default: $\(secretKeyVariable). Its public key must be in the coordinator's authorized keys.",
            valueName: "file"))
    var secretKeyPath: String?

    /// The server key path from the flag, else the environment (empty counts as unset).
    var resolvedServerKeyPath: String? { serverKeyPath ?? Self.environment(Self.serverKeyVariable) }
    /// The secret key path from the flag, else the environment (empty counts as unset).
    var resolvedSecretKeyPath: String? { secretKeyPath ?? Self.environment(Self.secretKeyVariable) }

    mutating func validate() throws {
        switch (resolvedServerKeyPath, resolvedSecretKeyPath) {
        case (nil, nil), (.some, .some):
            return
        case (.some, nil):
            throw ValidationError("--curve-server-key needs --curve-secret-key (or $\(Self.secretKeyVariable)): this peer's own secret key")
        case (nil, .some):
            throw ValidationError("--curve-secret-key needs --curve-server-key (or $\(Self.serverKeyVariable)): the coordinator's public key")
        }
    }

    /// The keys to connect with, or `nil` for plain TCP; a key file problem is a `CommandFailure`.
    /// `warn` hears about a group-readable secret key.
    func keys(warn: (String) -> Void = { printError("warning: \($0)") }) throws -> CurveClientKeys? {
        guard let serverPath = resolvedServerKeyPath, let secretPath = resolvedSecretKeyPath else { return nil }
        do {
            let serverKey = try KeyFile.readPublic(serverPath)
            let secret = try KeyFile.readSecret(secretPath)
            secret.warnings.forEach(warn)
            return CurveClientKeys(serverPublicKey: serverKey, keyPair: secret.keyPair)
        } catch {
            throw CommandFailure(error.description)
        }
    }

    private static func environment(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}
