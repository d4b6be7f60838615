import Foundation
import Testing
@testable import Dashboard

@Suite struct ListenAndAccessTests {
    @Test func listenAddress_parsesHostPortForms_andKnowsLoopback() throws {
        let plain = try ListenAddress(parsing: "127.0.0.1:8080")
        #expect(plain == ListenAddress(host: "127.0.0.1", port: 8080) && plain.isLoopback)
        #expect(try ListenAddress(parsing: ":9090") == ListenAddress(host: "127.0.0.1", port: 9090))
        #expect(try ListenAddress(parsing: "[::1]:80").isLoopback)
        #expect(try ListenAddress(parsing: "localhost:1").isLoopback)
        #expect(try ListenAddress(parsing: "127.9.9.9:0").isLoopback)
        for exposed in ["0.0.0.0:8080", "[::]:8080", "10.1.2.3:80", "example.org:80", "127.0.0.1.evil.com:80", "128.0.0.1:1"] {
            #expect(try !ListenAddress(parsing: exposed).isLoopback, "\(exposed)")
        }
        for bad in ["8080", "host:", "host:99999", "host:-1", "::1:80", "[::1]80", "a b:80"] {
            #expect(throws: DashboardError.self, "\(bad)") { try ListenAddress(parsing: bad) }
        }
        #expect(try ListenAddress(parsing: "0.0.0.0:0").url(port: 4242) == "http://127.0.0.1:4242/")
    }

    @Test func exposedAddress_withoutAuthentication_isRefusedNamingTheWaysOut() throws {
        var configuration = DashboardConfiguration(coordinator: "tcp://127.0.0.1:5555")
        try configuration.validate()
        configuration.listen = ListenAddress(host: "0.0.0.0", port: 8080)
        let error = try #require(throws: DashboardError.self) { try configuration.validate() }
        #expect(error.description.contains("--password-file") && error.description.contains("--insecure"))
        configuration.insecure = true
        try configuration.validate()
        configuration.insecure = false
        configuration.credentials = BasicAuthCredentials(users: ["a": "b"])
        try configuration.validate()
    }

    @Test func credentials_acceptOnlyAKnownUserWithItsPassword() throws {
        let credentials = try BasicAuthCredentials(parsing: "# comment\n\nalice:pa:ss\nbob:x\n", path: "pw")
        func header(_ text: String) -> String { "Basic " + Data(text.utf8).base64EncodedString() }
        #expect(credentials.accepts(authorization: header("alice:pa:ss")))
        #expect(credentials.accepts(authorization: "basic " + Data("bob:x".utf8).base64EncodedString()))
        for rejected in [nil, "", "Basic", "Basic !!!", "Bearer abc", header("alice:pa"), header("alice:pa:ss "),
                         header("carol:x"), header("bob"), header(":x"), header("bob:x\u{0}")] {
            #expect(!credentials.accepts(authorization: rejected), "\(String(describing: rejected))")
        }
        #expect(!credentials.accepts(authorization: "Basic " + String(repeating: "A", count: 10_000)))
        for bad in ["", "# only a comment\n", "alice\n", ":nouser\n", "nopass:\n"] {
            #expect(throws: DashboardError.self, "\(bad.debugDescription)") { try BasicAuthCredentials(parsing: bad, path: "pw") }
        }
    }

    @Test func passwordFile_readableByOthers_isRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "alice:secret\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let error = try #require(throws: DashboardError.self) { try BasicAuthCredentials.read(path: path) }
        #expect(error.description.contains("chmod 600"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(try BasicAuthCredentials.read(path: path) == BasicAuthCredentials(users: ["alice": "secret"]))
        #expect(throws: DashboardError.self) { try BasicAuthCredentials.read(path: path + ".missing") }
    }
}
