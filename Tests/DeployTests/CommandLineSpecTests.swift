import Foundation
import Testing

/// The checker itself: it accepts the documented command lines and names what is wrong with
/// malformed ones.
@Suite struct CommandLineSpecTests {
    static let valid: [String] = [
        "",
        "--help",
        "--version",
        "coordinator --bind tcp://0.0.0.0:5555 --state /var/lib/clustersweep/state.sqlite",
        "coordinator --bind tcp://127.0.0.1:5555 --state s.sqlite --log-format text --insecure",
        "coordinator --bind=tcp://0.0.0.0:5555 --state=$STATE --curve-secret-key k --authorized-keys a",
        "coordinator --help",
        "worker --connect tcp://coordinator:5555 --slots 8 --max-jobs 100 --idle-exit 60 --grace-period 60",
        "worker --connect $(ENDPOINT) --slots $SLURM_CPUS_ON_NODE --curve-server-key s --curve-secret-key k --log-format json",
        "worker",
        "submit configs/smoke.yaml --coordinator tcp://h:5555",
        "status", "status abc --json", "watch abc", "cancel abc", "workers --coordinator tcp://h:1",
        "report abc --out dir",
        "keygen --out keys/worker",
        "run configs/smoke.yaml --workers 2 --out runs/x",
    ]

    @Test(arguments: valid)
    func checker_acceptsDocumentedCommandLines(_ line: String) {
        let problems = CommandLineSpec.clustersweep.problems(in: ShellWords.split(line).map(\.text))
        #expect(problems.isEmpty, "\(problems)")
    }

    /// (command line, a fragment of the expected problem)
    static let invalid: [(String, String)] = [
        ("wroker --connect tcp://h:5555", "unknown subcommand 'wroker'"),
        ("$SUBCOMMAND --help", "must be literal"),
        ("worker --slot 2", "no option '--slot'"),
        ("worker --slots 0", "whole number >= 1"),
        ("worker --slots two", "whole number >= 1"),
        ("worker --idle-exit 0", "whole number >= 1"),
        ("worker --connect", "needs a value"),
        ("worker --connect http://h:5555", "tcp://HOST:PORT"),
        ("worker --connect tcp://h", "tcp://HOST:PORT"),
        ("worker --connect tcp://h:99999", "tcp://HOST:PORT"),
        ("worker --log-format yaml", "one of"),
        ("worker extra", "positional"),
        ("coordinator --bind tcp://0.0.0.0:5555", "needs --state"),
        ("coordinator --state s", "needs --bind"),
        ("coordinator --bind tcp://0.0.0.0:5555 --state s --insecure=yes", "takes no value"),
        ("coordinator --bind tcp://0.0.0.0:5555 --state s --slots 2", "no option '--slots'"),
        ("submit", "positional"),
        ("submit a b", "positional"),
        ("report abc", "needs --out"),
        ("status --json --coordinator", "needs a value"),
        ("keygen", "needs --out"),
        ("--version extra", "takes nothing"),
        ("watch abc -v", "no option '-v'"),
    ]

    @Test(arguments: invalid)
    func checker_rejectsMalformedCommandLines(line: String, expected: String) {
        let problems = CommandLineSpec.clustersweep.problems(in: ShellWords.split(line).map(\.text))
        #expect(problems.contains { $0.contains(expected) }, "\(line): \(problems)")
    }
}

/// The spec above restates the interface by hand; this holds it to the real binary, so the spec
/// cannot drift from what `clustersweep` actually accepts (`--experimental-dump-help` is
/// swift-argument-parser's machine-readable description of every command).
@Test func spec_onlyNamesSubcommandsAndOptionsTheRealBinaryHas() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let binary = root.appendingPathComponent(".build/debug/clustersweep")
    try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build clustersweep first (swift build)")
    let process = Process()
    process.executableURL = binary
    process.arguments = ["--experimental-dump-help"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let command = try #require(json["command"] as? [String: Any])
    let subcommands = try #require(command["subcommands"] as? [[String: Any]])
    var real: [String: Set<String>] = [:]
    for subcommand in subcommands {
        guard let name = subcommand["commandName"] as? String else { continue }
        var options: Set<String> = []
        for argument in subcommand["arguments"] as? [[String: Any]] ?? [] {
            for spelling in argument["names"] as? [[String: Any]] ?? [] {
                guard let kind = spelling["kind"] as? String, let word = spelling["name"] as? String else { continue }
                options.insert(kind == "long" ? "--\(word)" : "-\(word)")
            }
        }
        real[name] = options
    }
    for (name, spec) in CommandLineSpec.clustersweep.subcommands {
        let options = try #require(real[name], "the spec names '\(name)', which clustersweep does not have")
        for option in spec.options.keys {
            #expect(options.contains(option), "clustersweep \(name) has no \(option)")
        }
    }
}
