/// The `clustersweep` command-line interface that deploy files may use, and a checker for one
/// argument vector against it.
///
/// This restates the documented interface (subcommands, their options and positional arguments)
/// so that a typo in a systemd unit, an sbatch script or a manifest fails a test instead of a
/// deployment. A word containing `$` is a value filled in at run time (shell, systemd or
/// Kubernetes expansion): it is accepted wherever a value may stand, never as a subcommand or
/// an option name.
struct CommandLineSpec: Sendable {
    /// What follows an option name.
    enum OptionValue: Sendable {
        /// A boolean flag, no value.
        case none
        /// Any value.
        case any
        /// One of these literal values.
        case oneOf(Set<String>)
        /// A ZeroMQ TCP endpoint, `tcp://HOST:PORT`.
        case tcpEndpoint
        /// A whole number of at least 1.
        case positiveInteger
        /// A whole number of at least 0.
        case nonNegativeInteger
    }

    /// One subcommand: its options, the options it cannot run without, and how many positional
    /// arguments it takes.
    struct Subcommand: Sendable {
        var options: [String: OptionValue]
        var required: Set<String> = []
        var positionals: ClosedRange<Int> = 0...0
    }

    var subcommands: [String: Subcommand]

    /// Options every invocation understands without a subcommand.
    static let topLevelOptions: Set<String> = ["--help", "-h", "--version"]

    /// The interface as documented for this release.
    static let clustersweep: CommandLineSpec = {
        let logFormat = OptionValue.oneOf(["text", "json"])
        let client: [String: OptionValue] = ["--coordinator": .tcpEndpoint]
        return CommandLineSpec(subcommands: [
            "coordinator": Subcommand(
                options: [
                    "--bind": .tcpEndpoint, "--state": .any, "--log-format": logFormat,
                    "--curve-secret-key": .any, "--authorized-keys": .any, "--insecure": .none,
                ],
                required: ["--bind", "--state"]
            ),
            "worker": Subcommand(options: [
                "--connect": .tcpEndpoint, "--slots": .positiveInteger, "--max-jobs": .positiveInteger,
                "--idle-exit": .positiveInteger, "--grace-period": .nonNegativeInteger,
                "--curve-server-key": .any, "--curve-secret-key": .any, "--log-format": logFormat,
            ]),
            "submit": Subcommand(options: client, positionals: 1...1),
            "status": Subcommand(options: client.merging(["--json": .none]) { old, _ in old }, positionals: 0...1),
            "watch": Subcommand(options: client, positionals: 1...1),
            "cancel": Subcommand(options: client, positionals: 1...1),
            "workers": Subcommand(options: client),
            "report": Subcommand(
                options: client.merging(["--out": .any]) { old, _ in old },
                required: ["--out"],
                positionals: 1...1
            ),
            "keygen": Subcommand(options: ["--out": .any], required: ["--out"]),
            "run": Subcommand(options: ["--workers": .positiveInteger, "--out": .any], positionals: 1...1),
        ])
    }()

    /// The environment variables the binary reads.
    static let environmentVariables: Set<String> = [
        "CLUSTERSWEEP_COORDINATOR", "CLUSTERSWEEP_CURVE_SECRET_KEY",
        "CLUSTERSWEEP_CURVE_SERVER_KEY", "CLUSTERSWEEP_AUTHORIZED_KEYS",
    ]

    /// Everything wrong with `arguments` (the words after the program name); empty when valid.
    func problems(in arguments: [String]) -> [String] {
        guard let first = arguments.first else { return [] }
        if Self.topLevelOptions.contains(first) {
            return arguments.count == 1 ? [] : ["'\(first)' takes nothing after it, got \(arguments.dropFirst())"]
        }
        if first.contains("$") { return ["the subcommand must be literal, got '\(first)'"] }
        guard let subcommand = subcommands[first] else {
            return ["unknown subcommand '\(first)' (known: \(subcommands.keys.sorted().joined(separator: ", ")))"]
        }
        var problems: [String] = []
        var seen: Set<String> = []
        var positionalCount = 0
        var index = 1
        var askedForHelp = false
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if word == "--help" || word == "-h" {
                askedForHelp = true
                continue
            }
            let name = String(word.split(separator: "=", maxSplits: 1).first ?? Substring(word))
            guard word.hasPrefix("-"), !name.contains("$") else {
                positionalCount += 1
                continue
            }
            guard let kind = subcommand.options[name] else {
                problems.append("'\(first)' has no option '\(name)'")
                continue
            }
            seen.insert(name)
            if case .none = kind {
                if word.contains("=") { problems.append("'\(first) \(name)' takes no value") }
                continue
            }
            let value: String
            if let equals = word.firstIndex(of: "=") {
                value = String(word[word.index(after: equals)...])
            } else if index < arguments.count, !arguments[index].hasPrefix("--") {
                value = arguments[index]
                index += 1
            } else {
                problems.append("'\(first) \(name)' needs a value")
                continue
            }
            if let problem = Self.problem(value: value, kind: kind, option: "\(first) \(name)") {
                problems.append(problem)
            }
        }
        if askedForHelp { return problems }
        for missing in subcommand.required.subtracting(seen).sorted() {
            problems.append("'\(first)' needs \(missing)")
        }
        if !subcommand.positionals.contains(positionalCount) {
            problems.append(
                "'\(first)' takes \(subcommand.positionals.lowerBound)...\(subcommand.positionals.upperBound) "
                    + "positional argument(s), got \(positionalCount)"
            )
        }
        return problems
    }

    /// Why `value` is wrong for an option of this kind, or `nil`. Run-time values (`$...`) pass.
    private static func problem(value: String, kind: OptionValue, option: String) -> String? {
        if value.contains("$") { return nil }
        switch kind {
        case .none, .any:
            return value.isEmpty ? "'\(option)' has an empty value" : nil
        case .oneOf(let allowed):
            return allowed.contains(value) ? nil : "'\(option)' must be one of \(allowed.sorted()), got '\(value)'"
        case .tcpEndpoint:
            return isTCPEndpoint(value) ? nil : "'\(option)' must be tcp://HOST:PORT, got '\(value)'"
        case .positiveInteger:
            return (Int(value) ?? 0) >= 1 ? nil : "'\(option)' must be a whole number >= 1, got '\(value)'"
        case .nonNegativeInteger:
            return (Int(value) ?? -1) >= 0 ? nil : "'\(option)' must be a whole number >= 0, got '\(value)'"
        }
    }

    /// Whether `value` is `tcp://HOST:PORT` with a port in 1...65535.
    static func isTCPEndpoint(_ value: String) -> Bool {
        guard value.hasPrefix("tcp://") else { return false }
        let rest = value.dropFirst("tcp://".count)
        guard let colon = rest.lastIndex(of: ":") else { return false }
        let host = rest[..<colon]
        guard let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port) else { return false }
        return !host.isEmpty && !host.contains("/")
    }
}
