import Foundation
import GRDB
import SweepModel
import SweepStore
import Testing

/// Hostile input on the command line: missing files, state files that cannot be read (a
/// directory, a FIFO, a truncated file), a state file from a newer version, endpoints that do
/// not parse. Each gives a clear message naming the culprit and a non-zero exit, quickly, and
/// changes nothing on disk.
@Suite(.serialized)
struct HostileCommandLineTests {
    /// Every file under `directory` with its bytes, to prove a command changed nothing.
    static func snapshot(_ directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let names = try FileManager.default.subpathsOfDirectory(atPath: directory.path)
        for name in names where !name.hasSuffix(".stdout") && !name.hasSuffix(".stderr") {
            let url = directory.appendingPathComponent(name)
            var info = stat()
            guard stat(url.path, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFREG {
                files[name] = try Data(contentsOf: url)
            } else {
                files[name] = Data("<\(info.st_mode & S_IFMT)>".utf8)
            }
        }
        return files
    }

    /// Runs each command in `dir`; each must fail within `timeout`, name `culprit` and `condition`
    /// on standard error, and leave every file in `dir` as it was.
    func expectRefused(_ commands: [[String]], in dir: URL, culprit: String, condition: String, timeout: Double = 20) throws {
        let before = try Self.snapshot(dir)
        for arguments in commands {
            let start = Date()
            let result = try runCommand(arguments, in: dir, timeout: timeout)
            let line = arguments.joined(separator: " ")
            #expect(result.status != 0, "\(line) exited 0")
            #expect(result.stderr.contains(culprit), "\(line): stderr does not name \(culprit): \(result.stderr)")
            #expect(result.stderr.contains(condition), "\(line): stderr does not say '\(condition)': \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"), "\(line) crashed: \(result.stderr)")
            #expect(Date().timeIntervalSince(start) < timeout)
            #expect(try Self.snapshot(dir) == before, "\(line) changed files in \(dir.path)")
        }
    }

    /// The commands that open a state file: the coordinator, and `report --state`.
    static func stateCommands(_ path: String, port: Int) -> [[String]] {
        [
            ["coordinator", "--bind", "tcp://127.0.0.1:\(port)", "--state", path],
            ["report", "--state", path, "--out", "never-written"],
        ]
    }

    @Test func missingFiles_areNamed() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = try freeLoopbackPort()
        try expectRefused([["run", "absent.yaml", "--out", "out"]], in: dir, culprit: "absent.yaml", condition: "absent.yaml")
        try expectRefused(
            [["report", "--state", "absent.sqlite", "--out", "out"]], in: dir, culprit: "absent.sqlite", condition: "does not exist")
        let inMissingDirectory = dir.appendingPathComponent("no/such/dir/state.sqlite").path
        try expectRefused(
            [["coordinator", "--bind", "tcp://127.0.0.1:\(port)", "--state", inMissingDirectory]], in: dir,
            culprit: inMissingDirectory, condition: "cannot open")
    }

    @Test func stateFileThatIsADirectory_isRefusedByName() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state.sqlite")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: false)
        try expectRefused(Self.stateCommands(state.path, port: try freeLoopbackPort()), in: dir, culprit: state.path, condition: "directory")
    }

    /// Tests run as root, so permissions cannot make a file unreadable; a FIFO is a path that
    /// exists but holds no database (and opening it for reading would block forever).
    @Test func stateFileThatIsAFIFO_isRefusedWithoutHanging() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("state.sqlite").path
        #expect(mkfifo(fifo, 0o600) == 0)
        try expectRefused(Self.stateCommands(fifo, port: try freeLoopbackPort()), in: dir, culprit: fifo, condition: "not a regular file", timeout: 15)
    }

    @Test func truncatedStateFile_isRefusedAsCorrupt() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.sqlite").path
        try makeStore(at: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(1500).write(to: URL(fileURLWithPath: path))
        try expectRefused(Self.stateCommands(path, port: try freeLoopbackPort()), in: dir, culprit: path, condition: "corrupt")
    }

    @Test func stateFileFromANewerVersion_isRefusedAndUntouched() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.sqlite").path
        try makeStore(at: path)
        // What a future binary would write: a higher format version and a migration this one does not know.
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(sql: "UPDATE meta SET value = '2' WHERE key = 'format_version'")
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v2-from-the-future')")
            }
            try queue.close()
        }
        try expectRefused(Self.stateCommands(path, port: try freeLoopbackPort()), in: dir, culprit: path, condition: "newer ClusterSweep")
        let refused = try runCommand(Self.stateCommands(path, port: try freeLoopbackPort())[0], in: dir)
        #expect(refused.stderr.contains("v2-from-the-future") && refused.stderr.contains("upgrade"), "\(refused.stderr)")
    }

    @Test func endpointsThatDoNotParse_areRefusedByNameAndCreateNoStateFile() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sweep = dir.appendingPathComponent("sweep.yaml")
        try "version: 1\nname: e\nkind: noop\nseeds: 0..1\n".write(to: sweep, atomically: true, encoding: .utf8)
        for endpoint in ["tcp//nowhere", "tcp://127.0.0.1:notaport", "udp://127.0.0.1:5555", "tcp://:99999999"] {
            try expectRefused([
                ["coordinator", "--bind", endpoint, "--state", "state.sqlite"],
                ["worker", "--connect", endpoint],
                ["submit", sweep.path, "--coordinator", endpoint],
                ["status", "--coordinator", endpoint],
            ], in: dir, culprit: endpoint, condition: "endpoint")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("state.sqlite").path))
    }

    /// A valid store with one small sweep, written and closed.
    private func makeStore(at path: String) throws {
        let store = try ResultStore(path: path)
        let spec = try SweepFile.parse(text: "version: 1\nname: s\nkind: noop\nseeds: 0..2\n", sourceName: "s.yaml")
        let planned = spec.plan()
        let record = SweepRecord(
            id: SweepSpec.sweepID(name: spec.name, jobs: planned.map(\.id)), name: spec.name, sourceText: "",
            sourceName: "s.yaml", maxAttempts: spec.maxAttempts, jobTimeoutSeconds: spec.jobTimeoutSeconds, createdAt: Date())
        _ = try store.submit(sweep: record, jobs: planned)
        try store.checkpoint()
    }
}
