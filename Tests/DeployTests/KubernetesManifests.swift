import Yams

/// The Kubernetes manifests of `deploy/kubernetes`, loaded with Yams: the kustomization and every
/// document of every file it lists as a resource.
struct KubernetesManifests {
    /// One YAML document of one file.
    struct Document {
        var file: String
        var node: Node

        var kind: String? { node["kind"]?.string }
        var name: String? { node["metadata"]?["name"]?.string }
        var line: Int { (node.mark?.line ?? 0) }
        var location: String { "deploy/kubernetes/\(file):\(line)" }
    }

    /// A container of a workload, with where it is.
    struct Container {
        var workload: Document
        var node: Node
        var name: String { node["name"]?.string ?? "?" }
        var location: String { "\(workload.location) \(workload.kind ?? "?")/\(workload.name ?? "?") container \(name)" }
    }

    static let folder = "kubernetes"

    var kustomization: Node
    /// The files in the kustomization's `resources`, in order.
    var resourceFiles: [String]
    var documents: [Document]

    /// Loads the kustomization and its resources; throws on unreadable or malformed YAML.
    static func load() throws -> KubernetesManifests {
        let kustomizationText = try DeployFiles.text("\(folder)/kustomization.yaml")
        guard let kustomization = try Yams.compose(yaml: kustomizationText) else {
            throw DeployFiles.ReadError(path: "deploy/kubernetes/kustomization.yaml", reason: "empty")
        }
        let resourceFiles = (kustomization["resources"]?.array() ?? []).compactMap(\.string)
        var documents: [Document] = []
        for file in resourceFiles {
            documents += try loadDocuments(file)
        }
        return KubernetesManifests(kustomization: kustomization, resourceFiles: resourceFiles, documents: documents)
    }

    /// Every document of `deploy/kubernetes/<file>` (a multi-document stream).
    static func loadDocuments(_ file: String) throws -> [Document] {
        let text = try DeployFiles.text("\(folder)/\(file)")
        var stream = try Yams.compose_all(yaml: text)
        var documents: [Document] = []
        while let node = stream.next() {
            documents.append(Document(file: file, node: node))
        }
        if let error = stream.error {
            throw DeployFiles.ReadError(path: "deploy/kubernetes/\(file)", reason: "YAML: \(error)")
        }
        return documents
    }

    /// The documents of one kind.
    func documents(kind: String) -> [Document] { documents.filter { $0.kind == kind } }

    /// StatefulSets and Deployments.
    var workloads: [Document] { documents.filter { ["StatefulSet", "Deployment"].contains($0.kind ?? "") } }

    /// Every container (not init containers) of every workload.
    var containers: [Container] {
        workloads.flatMap { workload in
            (workload.node["spec"]?["template"]?["spec"]?["containers"]?.array() ?? []).map {
                Container(workload: workload, node: $0)
            }
        }
    }
}

extension Node {
    /// A mapping's entries as `[String: String]`, for label maps; non-string entries are dropped.
    var stringMap: [String: String] {
        var result: [String: String] = [:]
        for (key, value) in mapping ?? [:] {
            if let key = key.string, let value = value.string { result[key] = value }
        }
        return result
    }
}
