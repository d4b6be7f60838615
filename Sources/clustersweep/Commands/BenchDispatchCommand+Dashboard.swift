import Foundation
import LocalCluster
import Synchronization

/// A `clustersweep dashboard` process attached to the benchmark's coordinator, so the
/// coordinator's CPU per job can be compared with and without one.
final class AttachedDashboard: Sendable {
    private let process = Mutex<Process?>(nil)
    private let cpu = Mutex<Double?>(nil)

    func start(coordinator: String) {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: ProcessMemory.executablePath)
        child.arguments = ["dashboard", "--coordinator", coordinator, "--listen", "127.0.0.1:0", "--log-level", "error"]
        child.standardOutput = FileHandle.nullDevice
        do {
            try child.run()
            process.withLock { $0 = child }
        } catch {
            printError("warning: cannot start the dashboard: \(error)")
        }
    }

    /// The dashboard process's CPU seconds, measured when it stops.
    var cpuText: String { cpu.withLock { $0 }.map { String(format: "%.3f CPU s", $0) } ?? "not running" }

    func stop() {
        guard let child = process.withLock({ $0 }), child.isRunning else { return }
        let seconds = ProcessMemory.cpuSeconds(of: child.processIdentifier)
        cpu.withLock { $0 = seconds }
        child.terminate()
        child.waitUntilExit()
        process.withLock { $0 = nil }
    }
}
