import Foundation
import Testing
import ZeroMQ
@testable import SweepWire

@Suite struct AuthorizedKeysTests {
    @Test func parse_readsRolesAndSkipsCommentsAndBlankLines() throws {
        let worker = try SecurityFixture.key().publicKey
        let client = try SecurityFixture.key().publicKey
        let text = """
            # coordinator keys
              # indented comment

            worker \(worker.z85) node-1 rack 3
            client\t\(client.z85)\r
            worker \(worker.z85) same key, same role: accepted
            """
        let keys = try AuthorizedKeys.parse(text, path: "auth")
        #expect(keys.count == 2)
        #expect(keys.role(of: worker) == .worker)
        #expect(keys.role(of: client) == .client)
        #expect(keys.count(of: .worker) == 1)
        #expect(keys.role(of: try SecurityFixture.key().publicKey) == nil)
    }

    @Test func parse_emptyFileAuthorizesNobody() throws {
        #expect(try AuthorizedKeys.parse("", path: "auth").count == 0)
        #expect(try AuthorizedKeys.parse("# nobody yet\n\n", path: "auth").count == 0)
    }

    /// The error of parsing `text`, or `nil` if it parsed.
    private func parseError(_ text: String) -> AuthorizedKeysError? {
        do {
            _ = try AuthorizedKeys.parse(text, path: "keys/authorized")
            return nil
        } catch {
            return error
        }
    }

    @Test func parse_unknownRole_namesFileAndLine() throws {
        let key = try SecurityFixture.key().publicKey.z85
        let error = try #require(parseError("# header\nworker \(key)\nadmin \(key)\n"))
        guard case .invalidLine(let path, let line, let reason) = error else { Issue.record("\(error)"); return }
        #expect(path == "keys/authorized")
        #expect(line == 3)
        #expect(reason.contains("unknown role 'admin'"))
        #expect(error.description.hasPrefix("keys/authorized:3: "))
    }

    @Test func parse_roleIsCaseSensitive() throws {
        let key = try SecurityFixture.key().publicKey.z85
        #expect(parseError("Worker \(key)")?.description.contains(":1: unknown role 'Worker'") == true)
    }

    @Test func parse_badKeys_sayWhatIsWrong() throws {
        let key = try SecurityFixture.key().publicKey.z85
        let short = parseError("client \(key.dropLast())")
        #expect(short?.description.contains(":1: ") == true)
        #expect(short?.description.contains("has 39 characters") == true)
        let quote = "\"" + key.dropFirst()
        #expect(parseError("\nworker \(quote)")?.description.contains(":2: ") == true)
        #expect(parseError("worker \(quote)")?.description.contains("'\"', which is not a Z85 character") == true)
        #expect(parseError("worker " + String(repeating: "#", count: 40))?.description.contains("above 2^32-1") == true)
        #expect(parseError("worker")?.description.contains(":1: missing key after 'worker'") == true)
    }

    @Test func parse_sameKeyWithTwoRoles_isRefusedNamingBothLines() throws {
        let key = try SecurityFixture.key().publicKey.z85
        let error = try #require(parseError("worker \(key)\n\n\nclient \(key) laptop"))
        #expect(error == .invalidLine(path: "keys/authorized", line: 4, reason: error.reason))
        #expect(error.description.contains("already authorized as 'worker' on line 1"))
    }

    @Test func read_missingFileAndDirectory_areUnreadable() throws {
        let directory = try SecurityFixture.directory()
        defer { SecurityFixture.remove(directory) }
        #expect(throws: AuthorizedKeysError.unreadable(path: directory + "/none", reason: "no such file")) {
            try AuthorizedKeys.read(from: directory + "/none")
        }
        #expect(throws: AuthorizedKeysError.unreadable(path: directory, reason: "is a directory, not a file")) {
            try AuthorizedKeys.read(from: directory)
        }
    }

    @Test func read_parsesAFileAndNamesItInErrors() throws {
        let directory = try SecurityFixture.directory()
        defer { SecurityFixture.remove(directory) }
        let key = try SecurityFixture.key().publicKey
        let good = try SecurityFixture.write("worker \(key.z85)\n", to: "good", in: directory)
        #expect(try AuthorizedKeys.read(from: good).role(of: key) == .worker)
        let bad = try SecurityFixture.write("worker \(key.z85)\nworkers \(key.z85)\n", to: "bad", in: directory)
        #expect(throws: AuthorizedKeysError.self) { try AuthorizedKeys.read(from: bad) }
        do {
            _ = try AuthorizedKeys.read(from: bad)
        } catch {
            #expect(error.description.hasPrefix("\(bad):2: unknown role 'workers'"))
        }
    }
}

/// The example in docs/SECURITY.md parses as documented.
@Suite struct SecurityDocTests {
    @Test func securityDoc_exampleAuthorizedKeysFileParses() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/SECURITY.md"), encoding: .utf8)
        let start = try #require(doc.range(of: "```text\n# ROLE"))
        let end = try #require(doc.range(of: "```", range: start.upperBound..<doc.endIndex))
        let example = String(doc[doc.index(start.lowerBound, offsetBy: 8)..<end.lowerBound])
        let keys = try AuthorizedKeys.parse(example, path: "docs/SECURITY.md")
        #expect(keys.count(of: .worker) == 1)
        #expect(keys.count(of: .client) == 2)
    }
}

extension AuthorizedKeysError {
    /// The reason of an `invalidLine` error (empty otherwise), for comparisons in tests.
    var reason: String {
        if case .invalidLine(_, _, let reason) = self { return reason }
        return ""
    }
}
