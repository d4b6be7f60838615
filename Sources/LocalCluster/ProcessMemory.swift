import Foundation

/// Memory and executable path of processes, from `/proc` (Linux).
public enum ProcessMemory {
    /// `VmRSS` of the process in bytes (0 if unknown): every page it maps, shared library pages
    /// included (counted again in every process that maps them).
    public static func residentBytes(of pid: Int32) -> Int { field("VmRSS:", in: "/proc/\(pid)/status") }

    /// `Pss` in bytes: resident pages, each shared page divided among the processes sharing it,
    /// so the sum over processes is the memory they really use together.
    public static func proportionalBytes(of pid: Int32) -> Int { field("Pss:", in: "/proc/\(pid)/smaps_rollup") }

    /// `VmHWM`: the peak resident memory of the process's current program, in bytes (0 if
    /// unknown). Unlike `getrusage`'s `ru_maxrss` it starts afresh at `exec`, so it is the
    /// program's own even when it was spawned from a larger process.
    public static func peakBytes(of pid: Int32) -> Int { field("VmHWM:", in: "/proc/\(pid)/status") }

    /// Resident anonymous memory (heap, stacks) in bytes: what is the process's own.
    public static func anonymousBytes(of pid: Int32) -> Int { field("RssAnon:", in: "/proc/\(pid)/status") }

    /// A `NAME: N kB` line of a /proc file, in bytes.
    private static func field(_ name: String, in path: String) -> Int {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kilobytes = Int(fields[1]) { return kilobytes * 1024 }
        }
        return 0
    }

    /// User + system CPU seconds the process used so far (`/proc/PID/stat`, clock ticks of 1/100 s).
    public static func cpuSeconds(of pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, utime 14 and stime 15 (1-based, whole line).
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// This executable's path (`/proc/self/exe`, else argv[0]).
    public static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
