import Foundation
import SweepModel

/// Runs a program to its end and measures it: wall seconds and its peak resident memory, so a
/// benchmark reports what a user's command costs, apart from the benchmark's own process.
///
/// The peak is the child's `VmHWM`, sampled every 10 ms until it exits (`ProcessMemory`), not
/// `wait4`'s `ru_maxrss`: a child spawned from a large process (the benchmark, holding a
/// million-job plan) inherits that process's high-water mark in `ru_maxrss` at `exec`.
public enum ChildRun {
    /// What one run took.
    public struct Figures: Sendable {
        /// The exit status, or 128 + the signal that ended it.
        public var status: Int32
        public var seconds: Double
        /// Peak resident memory in bytes (`VmHWM`, last sampled at most 10 ms before the end).
        public var peakBytes: Int
    }

    /// Runs `executable` with `arguments` (its standard output discarded, standard error kept)
    /// and waits for it; `nil` when it could not be started.
    public static func run(_ executable: String, _ arguments: [String]) -> Figures? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let started = ContinuousClock.now
        guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else { return nil }
        var status: Int32 = 0
        var peak = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 {
                guard errno == EINTR else { return nil }
                continue
            }
            peak = max(peak, ProcessMemory.peakBytes(of: pid))
            usleep(10_000)
        }
        let seconds = (ContinuousClock.now - started).seconds
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
        let signal = status & 0x7F
        let exit = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        return Figures(status: exit, seconds: seconds, peakBytes: peak)
    }
}
