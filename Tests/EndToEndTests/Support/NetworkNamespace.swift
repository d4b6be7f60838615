import Foundation

/// A private network namespace joined to the root namespace by a veth pair on a /30 that exists
/// only for the test, so a test can cut and heal the link between a worker (inside) and the
/// coordinator (outside) while every packet stays on this machine. Removed by `remove()`/`deinit`.
final class NetworkNamespace {
    let name: String
    /// The root-namespace end of the veth pair; taking it down cuts the link.
    let hostInterface: String
    /// The namespace end.
    let namespaceInterface: String
    /// The root end's address (the coordinator binds it).
    let hostAddress: String
    /// The namespace end's address.
    let namespaceAddress: String
    private let ip: String
    private var removed = false

    /// `nil` when namespaces can be made here, else why not (not root, no `ip`, no permission).
    static let unavailableReason: String? = {
        guard getuid() == 0 else { return "needs root to create network namespaces (uid \(getuid()))" }
        guard let ip = SystemCommand.find(["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]) else {
            return "needs iproute2 (`ip`); install the iproute2 package"
        }
        let probe = "cs-probe-\(getpid())"
        do {
            try SystemCommand.run(ip, ["netns", "add", probe])
            try SystemCommand.run(ip, ["netns", "del", probe])
        } catch {
            return "`ip netns` does not work here: \(error)"
        }
        return nil
    }()

    /// Creates the namespace, the veth pair and the addresses (a random /30 in 10.213.0.0/16).
    init() throws {
        guard let ip = SystemCommand.find(["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]) else {
            throw HarnessError("iproute2 (`ip`) not found")
        }
        self.ip = ip
        let tag = String(UInt32.random(in: 0..<(1 << 24)), radix: 16)
        name = "cs-chaos-\(tag)"
        hostInterface = "csh\(tag)"  // interface names have at most 15 characters
        namespaceInterface = "csn\(tag)"
        let third = Int.random(in: 0..<256)
        let fourth = Int.random(in: 0..<64) * 4
        hostAddress = "10.213.\(third).\(fourth + 1)"
        namespaceAddress = "10.213.\(third).\(fourth + 2)"
        do {
            try SystemCommand.run(ip, ["netns", "add", name])
            try SystemCommand.run(ip, ["link", "add", hostInterface, "type", "veth", "peer", "name", namespaceInterface])
            try SystemCommand.run(ip, ["link", "set", namespaceInterface, "netns", name])
            try SystemCommand.run(ip, ["addr", "add", "\(hostAddress)/30", "dev", hostInterface])
            try SystemCommand.run(ip, ["link", "set", hostInterface, "up"])
            try SystemCommand.run(ip, ["-n", name, "addr", "add", "\(namespaceAddress)/30", "dev", namespaceInterface])
            try SystemCommand.run(ip, ["-n", name, "link", "set", namespaceInterface, "up"])
            try SystemCommand.run(ip, ["-n", name, "link", "set", "lo", "up"])
        } catch {
            remove()
            throw error
        }
    }

    /// The command prefix that runs a program inside the namespace (`ip netns exec` execs it in place).
    var launcher: [String] { [ip, "netns", "exec", name] }

    /// Cuts the link: the root end goes down, packets both ways are dropped.
    func cut() throws { try SystemCommand.run(ip, ["link", "set", hostInterface, "down"]) }

    /// Heals the link.
    func heal() throws { try SystemCommand.run(ip, ["link", "set", hostInterface, "up"]) }

    /// Deletes the veth pair and the namespace (idempotent; errors ignored so clean-up always runs).
    func remove() {
        guard !removed else { return }
        removed = true
        _ = try? SystemCommand.run(ip, ["link", "del", hostInterface])
        _ = try? SystemCommand.run(ip, ["netns", "del", name])
    }

    /// Whether the namespace still exists (for the clean-up check).
    var exists: Bool {
        ((try? SystemCommand.run(ip, ["netns", "list"])) ?? "").split(separator: "\n").contains { $0.hasPrefix(name) }
    }

    deinit { remove() }
}
