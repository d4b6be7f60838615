import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The exclusive right to write one state file, so two coordinators (or two `run`s) can never
/// interleave their commits in it.
///
/// An advisory `flock(2)` on a sidecar `<state file>.lock`, held for as long as this value lives,
/// plus a record of the holder (pid, host, endpoint, start time, command) written into that file
/// so that a refused second owner can say who holds it. The kernel drops the lock when the holder
/// dies, even by `kill -9` or a reboot, so a stale lock file (one whose record names a process that
/// is gone) is simply taken over: the next owner's `flock` succeeds and it rewrites the record.
/// Readers (`report --state`, `status --state`) take no lock: they read a consistent snapshot of
/// the WAL database beside a live owner. The lock works on local file systems; on NFS it depends
/// on the server's lock manager (Linux maps `flock` to NFS byte-range locks).
public final class StateFileLock: Sendable {
    /// Who holds a state file.
    public struct Holder: Codable, Sendable, Equatable, CustomStringConvertible {
        public var pid: Int32
        public var host: String
        /// The endpoint the holder serves on, once bound.
        public var endpoint: String?
        public var startedAt: Date
        /// What the holder is (`coordinator`, `run`).
        public var command: String

        public init(pid: Int32, host: String, endpoint: String?, startedAt: Date, command: String) {
            self.pid = pid
            self.host = host
            self.endpoint = endpoint
            self.startedAt = startedAt
            self.command = command
        }

        /// This process as the holder.
        public static func current(command: String, endpoint: String? = nil) -> Holder {
            Holder(
                pid: getpid(), host: ProcessInfo.processInfo.hostName, endpoint: endpoint, startedAt: Date(),
                command: command)
        }

        public var description: String {
            let started = startedAt.formatted(Date.ISO8601FormatStyle())
            return "\(command) pid \(pid) on \(host)\(endpoint.map { ", serving \($0)" } ?? ""), since \(started)"
        }
    }

    /// Why the lock could not be taken.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Another live process holds it (`nil`: its record could not be read).
        case held(lockFile: String, by: Holder?)
        /// The lock file could not be created or locked.
        case cannotLock(lockFile: String, reason: String)

        public var description: String {
            switch self {
            case .held(let file, let holder?):
                "the state file is in use by \(holder) (lock \(file)); stop that process first, or use another state file"
            case .held(let file, nil):
                "the state file is in use by another process (lock \(file)); stop it first, or use another state file"
            case .cannotLock(let file, let reason):
                "cannot lock the state file (\(file)): \(reason)"
            }
        }
    }

    /// The sidecar lock file of `statePath`.
    public static func lockPath(for statePath: String) -> String { statePath + ".lock" }

    public let lockFile: String
    /// The previous holder's record when it ended without releasing (a stale lock taken over).
    public let takenOverFrom: Holder?
    private let descriptor: Int32
    /// Whether this lock created the lock file (so an owner that gives up can leave no trace).
    private let created: Bool

    /// Takes the lock of `statePath` for `holder`, without waiting.
    public init(statePath: String, holder: Holder) throws(Failure) {
        let lockFile = Self.lockPath(for: statePath)
        var fd = open(lockFile, O_RDWR | O_CLOEXEC)
        var created = false
        if fd < 0 && errno == ENOENT {
            fd = open(lockFile, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            created = fd >= 0
            if fd < 0 && errno == EEXIST { fd = open(lockFile, O_RDWR | O_CLOEXEC) }
        }
        guard fd >= 0 else {
            let code = errno
            // Name the condition the way the store's own errors do ("read-only", "the disk is full").
            let reason = switch code {
            case EROFS: "the file system is read-only, so no coordinator can write this state file"
            case ENOSPC: "the disk is full"
            default: String(cString: strerror(code))
            }
            throw .cannotLock(lockFile: lockFile, reason: reason)
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = Self.readRecord(fd)
            close(fd)
            if code == EWOULDBLOCK { throw .held(lockFile: lockFile, by: holder) }
            throw .cannotLock(lockFile: lockFile, reason: String(cString: strerror(code)))
        }
        takenOverFrom = Self.readRecord(fd)
        self.lockFile = lockFile
        self.created = created
        descriptor = fd
        // The record only informs a refused second owner; the lock is the flock, so a record that
        // cannot be written (a full disk) does not stop the owner.
        _ = write(holder)
    }

    deinit {
        // Leave the file (removing it would race with a process that just opened it), empty, so
        // the next owner sees a clean release rather than a stale record.
        _ = ftruncate(descriptor, 0)
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Rewrites the holder record (e.g. once the endpoint is bound); false if it could not.
    @discardableResult
    public func write(_ holder: Holder) -> Bool {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(holder) else { return false }
        let bytes = Array(data) + [0x0A]
        let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return written == bytes.count && ftruncate(descriptor, off_t(bytes.count)) == 0
    }

    /// For an owner that could not start after all: removes the lock file if this lock created it,
    /// so a refused start leaves the directory as it was. The lock itself goes with this value.
    public func removeFileIfCreated() {
        if created { unlink(lockFile) }
    }

    /// The holder recorded in the lock file of `statePath`, if any (for status and messages).
    public static func recordedHolder(statePath: String) -> Holder? {
        let fd = open(lockPath(for: statePath), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readRecord(fd)
    }

    private static func readRecord(_ fd: Int32) -> Holder? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(Holder.self, from: Data(buffer[0..<count]))
    }
}
