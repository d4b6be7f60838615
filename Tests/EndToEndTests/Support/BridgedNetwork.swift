import Foundation

/// A private Ethernet segment of network namespaces, one per simulated machine, joined by a bridge
/// that lives in a namespace of its own, so a test can run a coordinator and workers "on different
/// hosts" and unplug one host's cable while every address and packet stays inside namespaces the
/// test created (the root namespace gets no interface and no address). Removed by `remove()`/`deinit`.
final class BridgedNetwork {
    /// One simulated machine: a namespace with one interface (`eth0`) on the segment.
    struct Host {
        /// The namespace's name (`ip netns`).
        let namespace: String
        /// The host's address on the segment (a /24 private to this network).
        let address: String
        /// The bridge-side end of the host's cable; taking it down unplugs the host.
        let switchPort: String
        /// The command prefix that runs a program on this host (`ip netns exec` execs it in place).
        let launcher: [String]
    }

    /// The namespace that holds the bridge (the "switch").
    let switchNamespace: String
    private(set) var hosts: [Host] = []
    private let ip: String
    private let tag: String
    private let subnet: String
    private var removed = false

    /// `nil` when namespaces can be made here, else why not (same checks as `NetworkNamespace`).
    static var unavailableReason: String? { NetworkNamespace.unavailableReason }

    /// Creates the switch namespace with its bridge, on a random 10.214.X.0/24.
    init() throws {
        guard let ip = SystemCommand.find(["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]) else {
            throw HarnessError("iproute2 (`ip`) not found")
        }
        self.ip = ip
        tag = String(UInt32.random(in: 0..<(1 << 20)), radix: 16)
        subnet = "10.214.\(Int.random(in: 0..<256))"
        switchNamespace = "cs-lan-\(tag)"
        do {
            try SystemCommand.run(ip, ["netns", "add", switchNamespace])
            try SystemCommand.run(ip, ["-n", switchNamespace, "link", "add", "br0", "type", "bridge", "forward_delay", "0"])
            try SystemCommand.run(ip, ["-n", switchNamespace, "link", "set", "br0", "up"])
        } catch {
            remove()
            throw error
        }
    }

    /// Adds a machine: a namespace `cs-lan-TAG-NAME` cabled to the bridge, address `SUBNET.(n+1)`.
    @discardableResult
    func addHost(_ name: String) throws -> Host {
        let index = hosts.count + 1
        let namespace = "\(switchNamespace)-\(name)"
        let port = "p\(index)"
        let host = Host(
            namespace: namespace, address: "\(subnet).\(index)", switchPort: port, launcher: [ip, "netns", "exec", namespace])
        // Recorded before the commands run, so `remove()` cleans up a half-made host too.
        hosts.append(host)
        try SystemCommand.run(ip, ["netns", "add", namespace])
        // The veth pair is created straight into the two namespaces: it never exists in the root one.
        try SystemCommand.run(ip, ["link", "add", "eth0", "netns", namespace, "type", "veth", "peer", "name", port, "netns", switchNamespace])
        try SystemCommand.run(ip, ["-n", switchNamespace, "link", "set", port, "master", "br0"])
        try SystemCommand.run(ip, ["-n", switchNamespace, "link", "set", port, "up"])
        try SystemCommand.run(ip, ["-n", namespace, "addr", "add", "\(host.address)/24", "dev", "eth0"])
        try SystemCommand.run(ip, ["-n", namespace, "link", "set", "eth0", "up"])
        try SystemCommand.run(ip, ["-n", namespace, "link", "set", "lo", "up"])
        return host
    }

    /// Unplugs the host: its switch port goes down, packets both ways are dropped.
    func cut(_ host: Host) throws { try SystemCommand.run(ip, ["-n", switchNamespace, "link", "set", host.switchPort, "down"]) }

    /// Plugs the host back in.
    func heal(_ host: Host) throws { try SystemCommand.run(ip, ["-n", switchNamespace, "link", "set", host.switchPort, "up"]) }

    /// Deletes every namespace of this network (their interfaces go with them); idempotent, errors
    /// ignored so clean-up always runs. Processes still inside a namespace keep it alive until
    /// they exit, so callers stop theirs first.
    func remove() {
        guard !removed else { return }
        removed = true
        for host in hosts { _ = try? SystemCommand.run(ip, ["netns", "del", host.namespace]) }
        _ = try? SystemCommand.run(ip, ["netns", "del", switchNamespace])
    }

    /// The namespaces of this network that still exist (for the clean-up check).
    var leftovers: [String] {
        let listed = ((try? SystemCommand.run(ip, ["netns", "list"])) ?? "").split(separator: "\n")
        return listed.compactMap { line in
            let name = line.split(separator: " ").first.map(String.init) ?? ""
            return name.hasPrefix(switchNamespace) ? name : nil
        }
    }

    deinit { remove() }
}
