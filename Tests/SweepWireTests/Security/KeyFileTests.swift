import Foundation
import Testing
import ZeroMQ
@testable import SweepWire

@Suite struct KeyFileTests {
    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    @Test func writePair_writes0600SecretThatRoundTrips() throws {
        let directory = try SecurityFixture.directory()
        defer { SecurityFixture.remove(directory) }
        let pair = try CurveKeyPair.generate()
        let paths = try KeyFile.writePair(pair, toDirectory: directory + "/new/keys", force: false)
        #expect(paths.secretPath == directory + "/new/keys/secret.key")
        #expect(try mode(paths.secretPath) == 0o600)
        #expect(try mode(paths.publicPath) == 0o644)
        #expect(try mode(directory + "/new/keys") == 0o700)
        #expect(try String(contentsOfFile: paths.publicPath, encoding: .utf8) == pair.publicKey.z85 + "\n")
        #expect(try KeyFile.readPublic(paths.publicPath) == pair.publicKey)
        let secret = try KeyFile.readSecret(paths.secretPath)
        #expect(secret.keyPair == pair)
        #expect(secret.warnings.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/new/keys").sorted() == ["public.key", "secret.key"])
    }

    @Test func writePair_refusesToOverwriteWithoutForce() throws {
        let directory = try SecurityFixture.directory()
        defer { SecurityFixture.remove(directory) }
        let first = try CurveKeyPair.generate()
        try KeyFile.writePair(first, toDirectory: directory, force: false)
        let second = try CurveKeyPair.generate()
        #expect(throws: KeyFileError.alreadyExists(path: directory + "/secret.key")) {
            try KeyFile.writePair(second, toDirectory: directory, force: false)
        }
        #expect(try KeyFile.readSecret(directory + "/secret.key").keyPair == first)
        try KeyFile.writePair(second, toDirectory: directory, force: true)
        #expect(try KeyFile.readSecret(directory + "/secret.key").keyPair == second)
        #expect(try mode(directory + "/secret.key") == 0o600)
    }

    @Test func readSecret_refusesWorldReadableAndWarnsGroupReadable() throws {
        let directory = try SecurityFixture.directory()
        defer { SecurityFixture.remove(directory) }
        let pair = try CurveKeyPair.generate()
        let open = try SecurityFixture.write(pair.secretKey.z85, to: "open.key", in: directory, mode: 0o644)
        #expect(throws: KeyFileError.exposedSecret(path: open, mode: 0o644)) { try KeyFile.readSecret(open) }
        let writable = try SecurityFixture.write(pair.secretKey.z85, to: "w.key", in: directory, mode: 0o602)
        #expect(throws: KeyFileError.exposedSecret(path: writable, mode: 0o602)) { try KeyFile.readSecret(writable) }
        let group = try SecurityFixture.write(pair.secretKey.z85, to: "group.key", in: directory, mode: 0o440)
        let secret = try KeyFile.readSecret(group)
        #expect(secret.keyPair == pair)
        #expect(secret.warnings.count == 1)
        #expect(secret.warnings.first?.contains("readable by its group") == true)
    }

    @Test func read_malformedFiles_sayWhatIsWrong() throws {
        let directory = try SecurityFixture.directory()
        defer { SecurityFixture.remove(directory) }
        let key = try CurveKeyPair.generate().publicKey.z85
        func failure(_ text: String) throws -> String {
            let path = try SecurityFixture.write(text, to: "k", in: directory, mode: 0o600)
            do {
                _ = try KeyFile.readPublic(path)
                return "parsed"
            } catch {
                return error.description
            }
        }
        #expect(try failure("") .contains("the file is empty"))
        #expect(try failure(String(key.dropLast())).contains("has 39 characters"))
        #expect(try failure("\(key)\n\(key)\n").contains("several words or lines"))
        #expect(try failure("  \(key)  \n") == "parsed")
        #expect(try failure(String(repeating: "a", count: 5000)).contains("more than 4096 bytes"))
        #expect(throws: KeyFileError.missing(path: directory + "/none")) { try KeyFile.readPublic(directory + "/none") }
        #expect(throws: KeyFileError.missing(path: directory + "/none")) { try KeyFile.readSecret(directory + "/none") }
    }

    @Test func readSecret_givenThePublicKey_saysSo() throws {
        let directory = try SecurityFixture.directory()
        defer { SecurityFixture.remove(directory) }
        let paths = try KeyFile.writePair(try CurveKeyPair.generate(), toDirectory: directory, force: false)
        #expect(throws: KeyFileError.self) { try KeyFile.readSecret(paths.publicPath) }
        do {
            _ = try KeyFile.readSecret(paths.publicPath)
        } catch {
            #expect(error.description.contains("this is a public key"))
        }
    }
}
