import Foundation
import Yams

/// Every `clustersweep` command line in `deploy/`, whatever the kind of file it sits in.
///
/// Files are read through `text`, so a test can hand in a changed copy of one file and see that
/// the check catches the change.
struct DeployCommandLines {
    var invocations: [InvocationFinder.Invocation]

    /// The program the container image runs (its ENTRYPOINT).
    static let imageEntrypoint = "/usr/local/bin/clustersweep"

    /// Collects the command lines of every file under `deploy/`; `text` reads one file by its
    /// path relative to `deploy/`.
    static func collect(text: (String) throws -> String = DeployFiles.text) throws -> DeployCommandLines {
        var found: [InvocationFinder.Invocation] = []
        for file in try DeployFiles.allFiles() {
            let location = "deploy/\(file)"
            let name = (file as NSString).lastPathComponent
            if file.hasSuffix(".service") {
                found += InvocationFinder.invocations(inUnit: try text(file), location: location)
            } else if file.hasSuffix(".sbatch") || file.hasSuffix(".sh") {
                found += InvocationFinder.invocations(inShell: try text(file), location: location)
            } else if file.hasSuffix(".md") {
                found += InvocationFinder.invocations(inMarkdown: try text(file), location: location)
            } else if name == "Containerfile" {
                found += try containerfileInvocations(try text(file), location: location)
            } else if file.hasPrefix("kubernetes/"), file.hasSuffix(".yaml"), name != "kustomization.yaml" {
                found += try kubernetesInvocations(try text(file), location: location)
            } else if name == "compose.yaml" {
                found += try composeInvocations(try text(file), location: location)
            }
        }
        return DeployCommandLines(invocations: found)
    }

    /// Each invocation with what is wrong with it; only invalid ones.
    func problems(spec: CommandLineSpec = .clustersweep) -> [String] {
        invocations.flatMap { invocation in
            spec.problems(in: invocation.arguments).map { "\(invocation): \($0)" }
        }
    }

    /// The subcommands used in files whose path contains `fragment`.
    func subcommands(inFilesContaining fragment: String) -> Set<String> {
        Set(invocations.filter { $0.location.contains(fragment) }.compactMap(\.arguments.first))
    }

    // MARK: kinds of file

    /// RUN lines (shell) plus the ENTRYPOINT + CMD pair in JSON form.
    static func containerfileInvocations(_ text: String, location: String) throws -> [InvocationFinder.Invocation] {
        var found = InvocationFinder.invocations(inShell: text, location: location)
        var entrypoint: [String] = []
        var command: [String] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            for (instruction, assign) in [("ENTRYPOINT ", 0), ("CMD ", 1)] where line.hasPrefix(instruction) {
                let json = Data(line.dropFirst(instruction.count).utf8)
                guard let words = try? JSONDecoder().decode([String].self, from: json) else {
                    throw DeployFiles.ReadError(path: "\(location):\(offset + 1)", reason: "\(instruction)is not a JSON array")
                }
                if assign == 0 { entrypoint = words } else { command = words }
            }
        }
        if entrypoint == [imageEntrypoint] {
            found.append(.init(program: imageEntrypoint, arguments: command, location: "\(location) ENTRYPOINT+CMD"))
        } else {
            throw DeployFiles.ReadError(path: location, reason: "ENTRYPOINT is \(entrypoint), expected [\(imageEntrypoint)]")
        }
        return found
    }

    /// Containers' command + args (the image's entrypoint when there is no command) and exec probes.
    static func kubernetesInvocations(_ text: String, location: String) throws -> [InvocationFinder.Invocation] {
        var found: [InvocationFinder.Invocation] = []
        var stream = try Yams.compose_all(yaml: text)
        while let document = stream.next() {
            let containers = document["spec"]?["template"]?["spec"]?["containers"]?.array() ?? []
            for container in containers {
                let line = "\(location):\((container.mark?.line ?? 0))"
                let command = (container["command"]?.array() ?? []).compactMap(\.string)
                let arguments = (container["args"]?.array() ?? []).compactMap(\.string)
                if let invocation = invocation(argv: (command.isEmpty ? [imageEntrypoint] : command) + arguments, location: line) {
                    found.append(invocation)
                }
                for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
                    let argv = (container[probe]?["exec"]?["command"]?.array() ?? []).compactMap(\.string)
                    if let invocation = invocation(argv: argv, location: "\(line) \(probe)") { found.append(invocation) }
                }
            }
        }
        if let error = stream.error { throw DeployFiles.ReadError(path: location, reason: "YAML: \(error)") }
        return found
    }

    /// Services' `command` (list or string), run by the image's entrypoint.
    static func composeInvocations(_ text: String, location: String) throws -> [InvocationFinder.Invocation] {
        guard let root = try Yams.compose(yaml: text) else { return [] }
        var found: [InvocationFinder.Invocation] = []
        for (name, service) in root["services"]?.mapping ?? [:] {
            let line = "\(location):\((service.mark?.line ?? 0)) service \(name.string ?? "?")"
            guard let command = service["command"] else { continue }
            let words = command.string.map { ShellWords.split($0).map(\.text) } ?? command.array().compactMap(\.string)
            let entrypoint = (service["entrypoint"]?.array() ?? []).compactMap(\.string)
            if let invocation = invocation(argv: (entrypoint.isEmpty ? [imageEntrypoint] : entrypoint) + words, location: line) {
                found.append(invocation)
            }
        }
        return found
    }

    private static func invocation(argv: [String], location: String) -> InvocationFinder.Invocation? {
        guard let program = argv.first, InvocationFinder.programKind(program).isProgram else { return nil }
        return .init(program: program, arguments: Array(argv.dropFirst()), location: location)
    }
}
