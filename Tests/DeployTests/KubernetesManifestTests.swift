import Foundation
import Testing
import Yams

/// Structure checks of `deploy/kubernetes`: what `kubectl apply -k` would reject or silently get
/// wrong (selectors that match nothing, a Secret that does not exist, a container without
/// resources or probes).
@Suite struct KubernetesManifestTests {
    /// The API group/version each kind we use lives in.
    static let apiVersions: [String: String] = [
        "Namespace": "v1", "Secret": "v1", "Service": "v1", "ConfigMap": "v1",
        "StatefulSet": "apps/v1", "Deployment": "apps/v1",
        "NetworkPolicy": "networking.k8s.io/v1", "PodDisruptionBudget": "policy/v1",
    ]

    @Test func everyDocument_hasApiVersionKindAndName() throws {
        let manifests = try KubernetesManifests.load()
        #expect(manifests.documents.count >= 6)
        for document in manifests.documents {
            let kind = try #require(document.kind, "\(document.location): no kind")
            #expect(Self.apiVersions[kind] != nil, "\(document.location): unexpected kind \(kind)")
            #expect(document.node["apiVersion"]?.string == Self.apiVersions[kind], "\(document.location): apiVersion")
            let name = try #require(document.name, "\(document.location): no metadata.name")
            #expect(Self.isDNSLabel(name), "\(document.location): metadata.name '\(name)' is not a DNS-1123 label")
        }
        let names = manifests.documents.map { "\($0.kind ?? "")/\($0.name ?? "")" }
        #expect(Set(names).count == names.count, "duplicate kind/name: \(names)")
    }

    @Test func kustomization_listsEveryManifestOfTheFolder() throws {
        let manifests = try KubernetesManifests.load()
        #expect(manifests.kustomization["kind"]?.string == "Kustomization")
        #expect(manifests.kustomization["apiVersion"]?.string == "kustomize.config.k8s.io/v1beta1")
        let yamlFiles = try DeployFiles.allFiles()
            .filter { $0.hasPrefix("kubernetes/") && $0.hasSuffix(".yaml") && $0 != "kubernetes/kustomization.yaml" }
            .map { String($0.dropFirst("kubernetes/".count)) }
        #expect(Set(manifests.resourceFiles) == Set(yamlFiles))
        let workloadNames = Set(manifests.workloads.compactMap(\.name))
        for entry in manifests.kustomization["replicas"]?.array() ?? [] {
            #expect(workloadNames.contains(entry["name"]?.string ?? ""), "kustomization replicas: unknown \(entry)")
        }
    }

    @Test func workloadSelectors_matchTheirPodLabels() throws {
        let manifests = try KubernetesManifests.load()
        #expect(manifests.workloads.count == 2)
        for workload in manifests.workloads {
            let selector = workload.node["spec"]?["selector"]?["matchLabels"]?.stringMap ?? [:]
            let labels = workload.node["spec"]?["template"]?["metadata"]?["labels"]?.stringMap ?? [:]
            #expect(!selector.isEmpty, "\(workload.location): empty selector")
            #expect(Self.matches(selector, labels), "\(workload.location): selector \(selector) vs pod labels \(labels)")
        }
    }

    @Test func servicesAndPolicies_selectExistingPods() throws {
        let manifests = try KubernetesManifests.load()
        let podLabels = manifests.workloads.map { $0.node["spec"]?["template"]?["metadata"]?["labels"]?.stringMap ?? [:] }
        for service in manifests.documents(kind: "Service") {
            let selector = service.node["spec"]?["selector"]?.stringMap ?? [:]
            #expect(!selector.isEmpty && podLabels.contains { Self.matches(selector, $0) }, "\(service.location): selects no pod")
            let ports = (service.node["spec"]?["ports"]?.array() ?? []).compactMap { $0["port"]?.int }
            #expect(ports == [5555], "\(service.location): ports \(ports)")
        }
        for policy in manifests.documents(kind: "NetworkPolicy") {
            let selector = policy.node["spec"]?["podSelector"]?["matchLabels"]?.stringMap ?? [:]
            #expect(podLabels.contains { Self.matches(selector, $0) }, "\(policy.location): selects no pod")
        }
    }

    @Test func coordinator_isOneStatefulSetReplicaWithAVolumeAndAHeadlessService() throws {
        let manifests = try KubernetesManifests.load()
        let statefulSet = try #require(manifests.documents(kind: "StatefulSet").first)
        let spec = try #require(statefulSet.node["spec"])
        #expect(spec["replicas"]?.int == 1, "two coordinators must never share a state file")
        let serviceName = try #require(spec["serviceName"]?.string)
        let service = manifests.documents(kind: "Service").first { $0.name == serviceName }
        #expect(service?.node["spec"]?["clusterIP"]?.string == "None", "serviceName must be a headless Service")
        let claims = (spec["volumeClaimTemplates"]?.array() ?? []).compactMap { $0["metadata"]?["name"]?.string }
        #expect(!claims.isEmpty)
        let mounts = (spec["template"]?["spec"]?["containers"]?.array() ?? []).flatMap { $0["volumeMounts"]?.array() ?? [] }
        let stateMount = mounts.first { claims.contains($0["name"]?.string ?? "") }
        #expect(stateMount?["mountPath"]?.string == "/var/lib/clustersweep", "the state volume holds --state")
        let deployment = try #require(manifests.documents(kind: "Deployment").first)
        #expect((deployment.node["spec"]?["replicas"]?.int ?? 0) >= 1)
    }

    @Test func everyContainer_hasResourcesAndProbes() throws {
        let manifests = try KubernetesManifests.load()
        #expect(manifests.containers.count == 2)
        for container in manifests.containers {
            for bound in ["requests", "limits"] {
                for resource in ["cpu", "memory"] {
                    #expect(container.node["resources"]?[bound]?[resource] != nil, "\(container.location): no \(bound).\(resource)")
                }
            }
            for probe in ["livenessProbe", "readinessProbe"] {
                let handlers = ["tcpSocket", "exec", "httpGet", "grpc"].filter { container.node[probe]?[$0] != nil }
                #expect(handlers.count == 1, "\(container.location): \(probe) needs exactly one handler, has \(handlers)")
            }
            #expect(container.node["securityContext"]?["allowPrivilegeEscalation"]?.bool == false, "\(container.location)")
        }
        let coordinator = try #require(manifests.containers.first { $0.workload.kind == "StatefulSet" })
        #expect(coordinator.node["livenessProbe"]?["tcpSocket"]?["port"]?.int == 5555)
        #expect(coordinator.node["readinessProbe"]?["tcpSocket"]?["port"]?.int == 5555)
        let containerPorts = (coordinator.node["ports"]?.array() ?? []).compactMap { $0["containerPort"]?.int }
        #expect(containerPorts == [5555])
    }

    @Test func secretReferences_nameSecretsOfTheKustomizationResources() throws {
        let manifests = try KubernetesManifests.load()
        let secrets = Dictionary(
            manifests.documents(kind: "Secret").compactMap { secret in secret.name.map { ($0, secret) } },
            uniquingKeysWith: { first, _ in first }
        )
        var referenced = 0
        for workload in manifests.workloads {
            let podSpec = workload.node["spec"]?["template"]?["spec"]
            for volume in podSpec?["volumes"]?.array() ?? [] {
                guard let name = volume["secret"]?["secretName"]?.string else { continue }
                referenced += 1
                #expect(secrets[name] != nil, "\(workload.location): volume uses Secret '\(name)', not in the resources")
            }
            let containers = podSpec?["containers"]?.array() ?? []
            for variable in containers.flatMap({ $0["env"]?.array() ?? [] }) {
                guard let name = variable["valueFrom"]?["secretKeyRef"]?["name"]?.string else { continue }
                referenced += 1
                #expect(secrets[name] != nil, "\(workload.location): env uses Secret '\(name)', not in the resources")
            }
        }
        #expect(referenced >= 2)
    }

    @Test func keyPathsInTheEnvironment_pointIntoAMountedSecretKey() throws {
        let manifests = try KubernetesManifests.load()
        var checked = 0
        for container in manifests.containers {
            let podSpec = container.workload.node["spec"]?["template"]?["spec"]
            let secretOfVolume: [String: String] = Dictionary(
                (podSpec?["volumes"]?.array() ?? []).compactMap { volume in
                    guard let name = volume["name"]?.string, let secret = volume["secret"]?["secretName"]?.string else { return nil }
                    return (name, secret)
                },
                uniquingKeysWith: { first, _ in first }
            )
            let mounts = (container.node["volumeMounts"]?.array() ?? []).compactMap { mount -> (path: String, secret: String)? in
                guard let path = mount["mountPath"]?.string, let secret = secretOfVolume[mount["name"]?.string ?? ""] else { return nil }
                return (path, secret)
            }
            for variable in container.node["env"]?.array() ?? [] {
                guard let name = variable["name"]?.string, name.hasPrefix("CLUSTERSWEEP_"), name.hasSuffix("_KEY") || name.hasSuffix("_KEYS"),
                    let path = variable["value"]?.string
                else { continue }
                let mount = mounts.first { path.hasPrefix($0.path + "/") }
                let key = mount.map { String(path.dropFirst($0.path.count + 1)) }
                let secret = manifests.documents(kind: "Secret").first { $0.name == mount?.secret }
                let keys = Set(["stringData", "data"].flatMap { field in
                    (secret?.node[field]?.mapping.map { Array($0.keys) } ?? []).compactMap(\.string)
                })
                #expect(key.map(keys.contains) == true, "\(container.location): \(name)=\(path) is no key of a mounted Secret")
                checked += 1
            }
        }
        #expect(checked == 4)
    }

    @Test func environmentAndArgs_useOnlyNamesTheBinaryReadsOrDefines() throws {
        let manifests = try KubernetesManifests.load()
        for container in manifests.containers {
            let arguments = (container.node["args"]?.array() ?? []).compactMap(\.string)
            let defined = Set((container.node["env"]?.array() ?? []).compactMap { $0["name"]?.string })
            let expanded = Set(arguments.flatMap(Self.kubernetesExpansions))
            #expect(expanded.isSubset(of: defined), "\(container.location): $(...) of undefined \(expanded.subtracting(defined))")
            for name in defined where name.hasPrefix("CLUSTERSWEEP_") {
                #expect(
                    CommandLineSpec.environmentVariables.contains(name) || expanded.contains(name),
                    "\(container.location): \(name) is neither read by clustersweep nor used in args"
                )
            }
            if arguments.first == "coordinator" {
                let curve = defined.isSuperset(of: ["CLUSTERSWEEP_CURVE_SECRET_KEY", "CLUSTERSWEEP_AUTHORIZED_KEYS"])
                #expect(curve || arguments.contains("--insecure"), "\(container.location): coordinator without CURVE keys")
            }
        }
    }

    // MARK: helpers

    static func matches(_ selector: [String: String], _ labels: [String: String]) -> Bool {
        selector.allSatisfy { labels[$0.key] == $0.value }
    }

    static func isDNSLabel(_ name: String) -> Bool {
        guard (1...63).contains(name.count), let first = name.first, let last = name.last else { return false }
        let allowed = name.allSatisfy { ($0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "-" }
        return allowed && first != "-" && last != "-"
    }

    /// The variable names of Kubernetes `$(NAME)` expansions in one argument.
    static func kubernetesExpansions(_ argument: String) -> [String] {
        var names: [String] = []
        var rest = Substring(argument)
        while let start = rest.range(of: "$(") {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(of: ")") else { break }
            names.append(String(rest[..<end]))
            rest = rest[rest.index(after: end)...]
        }
        return names
    }
}
