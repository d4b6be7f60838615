import ArgumentParser
import SweepWire
import ZeroMQ

/// `clustersweep keygen --out DIR`: writes a new CURVE key pair as `DIR/public.key` and
/// `DIR/secret.key` (mode 0600), one 40-character Z85 key per file.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create a CURVE key pair for a coordinator, worker or client.",
        discussion: """
            Writes DIR/public.key (share it) and DIR/secret.key (mode 0600, keep it on this \
            machine only). Give the coordinator's public key to workers and clients \
            (--curve-server-key) and list each worker's or client's public key in the \
            coordinator's authorized keys file as 'worker KEY' or 'client KEY'. See docs/SECURITY.md.
            """)

    @Option(help: ArgumentHelp("Directory to write public.key and secret.key into (created if missing).", valueName: "dir"))
    var out: String

    @Flag(help: "Replace existing key files (every peer using the old key is locked out).")
    var force = false

    func run() throws {
        do {
            let pair = try CurveKeyPair.generate()
            let paths = try KeyFile.writePair(pair, toDirectory: out, force: force)
            print("public key: \(pair.publicKey.z85)")
            print("wrote \(paths.publicPath) and \(paths.secretPath) (mode 0600)")
        } catch let error as KeyFileError {
            throw CommandFailure(error.description)
        } catch let error as ZMQError {
            throw CommandFailure("cannot generate a CURVE key pair: \(error) (libzmq built without CURVE?)")
        }
    }
}
