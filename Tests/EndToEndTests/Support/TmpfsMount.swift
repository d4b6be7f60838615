import Foundation

/// A small tmpfs mounted for one test, to put a state file on a real disk that can be filled up
/// or remounted read-only. Unmounted (lazily) and removed by `unmount()`/`deinit`.
final class TmpfsMount {
    let path: String
    private var mounted = false

    /// `nil` when this process may mount a tmpfs, else why not.
    static let unavailableReason: String? = {
        guard getuid() == 0 else { return "needs root to mount a tmpfs (uid \(getuid()))" }
        do {
            let probe = try TmpfsMount(sizeKiB: 64)
            probe.unmount()
            return nil
        } catch {
            return "cannot mount a tmpfs here: \(error)"
        }
    }()

    init(sizeKiB: Int) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("clustersweep-mnt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
        do {
            try SystemCommand.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(sizeKiB)k", "tmpfs", path])
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw error
        }
        mounted = true
    }

    func remount(_ options: String) throws { try SystemCommand.run("/bin/mount", ["-o", "remount,\(options)", path]) }

    /// Writes a filler file until the file system reports `ENOSPC`; returns its path (delete it to free space).
    @discardableResult
    func fill(named name: String = "filler") throws -> String {
        let filler = path + "/" + name
        let fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw HarnessError("cannot create \(filler): errno \(errno)") }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0xA5, count: 64 * 1024)
        var size = chunk.count
        while true {
            let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress, size) }
            if written < 0 {
                if errno == ENOSPC {
                    if size == 1 { return filler }
                    size = max(1, size / 2)  // fill the last pages too
                    continue
                }
                throw HarnessError("writing \(filler) failed: errno \(errno)")
            }
        }
    }

    func unmount() {
        guard mounted else { return }
        mounted = false
        _ = try? SystemCommand.run("/bin/umount", ["-l", path])
        try? FileManager.default.removeItem(atPath: path)
    }

    deinit { unmount() }
}
