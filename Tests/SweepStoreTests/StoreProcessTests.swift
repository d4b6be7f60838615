import Benchmarks
import Foundation
import GRDB
import SweepModel
import Testing
@testable import SweepStore

/// Tests with real processes and real file systems: a writer killed with SIGKILL mid-write, a full
/// disk and a read-only file system (tmpfs mounts; skipped where this process may not mount).
@Suite("Crash safety and file-system failures", .serialized)
struct StoreProcessTests {
    @Test func killedWriter_leavesReadableStoreWithEveryAnnouncedBatch() throws {
        let writer = try #require(Self.crashWriter, "build store-crash-writer first (swift build --build-tests)")
        try withTemporaryDirectory { dir in
            let path = dir + "/state.sqlite"
            let process = Process()
            process.executableURL = writer
            process.arguments = ["write", path, "40"]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            var text = ""
            let deadline = Date().addingTimeInterval(30)
            while announced(in: text).count < 25 && Date() < deadline {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }  // the writer exited
                text += String(decoding: chunk, as: UTF8.self)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            let batches = announced(in: text)
            try #require(batches.count >= 25, "the writer announced only \(batches)")

            let store = try ResultStore(path: path)
            let integrity = try store.pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            #expect(integrity == ["ok"])
            for batch in batches {
                let id = SweepID(rawValue: String(format: "%064x", batch))
                let records = try store.jobRecords(sweep: id)
                #expect(records.count == 40, "batch \(batch)")
                #expect(records.allSatisfy { $0.status == .clustered && $0.result?.seconds == Double(batch) })
                #expect(try store.sweep(id: id)?.finishedAt != nil)
            }
            // Whatever was in flight at the kill is all or nothing.
            for sweep in try store.sweeps() {
                let counts = try store.counts(sweep: sweep.id)
                #expect(counts[.clustered] == 40 || counts[.pending] == 40, "sweep \(sweep.name): \(counts)")
            }
        }
    }

    @Test(.enabled(if: TmpfsMount.unavailableReason == nil, "\(TmpfsMount.unavailableReason ?? "")"))
    func diskFull_refusesWithDiskFullErrorKeepsCommittedDataAndRecovers() throws {
        try TmpfsMount.with(sizeKiB: 512) { mount in
            let path = mount.path + "/state.sqlite"
            let store = try ResultStore(path: path)
            var committed: [PlannedJob] = []
            var failure: StoreError?
            for number in 1...200 where failure == nil {
                let jobs = StoreBenchmark.noopPlan(count: 100, sweepNumber: number)
                do {
                    _ = try store.submit(sweep: sweepRecord(number), jobs: jobs)
                    committed += jobs
                } catch let error as StoreError {
                    failure = error
                }
            }
            let error = try #require(failure, "512 KiB never filled up")
            guard case .diskFull(let sqlite) = error.reason else {
                Issue.record("expected diskFull, got \(error)")
                return
            }
            #expect(sqlite.code == 13)
            #expect(error.description.contains("disk is full"))

            try mount.resize(sizeKiB: 8192)
            let reopened = try ResultStore(path: path)
            let integrity = try reopened.pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            #expect(integrity == ["ok"])
            let stored = try reopened.sweeps()
            #expect(stored.count * 100 == committed.count)
            #expect(try stored.reduce(0) { $0 + (try reopened.jobRecords(sweep: $1.id).count) } == committed.count)
            _ = try reopened.submit(sweep: sweepRecord(999), jobs: StoreBenchmark.noopPlan(count: 100, sweepNumber: 999))
            #expect(try reopened.sweeps().count == stored.count + 1)
        }
    }

    @Test(.enabled(if: TmpfsMount.unavailableReason == nil, "\(TmpfsMount.unavailableReason ?? "")"))
    func readOnlyFileSystem_refusesToOpenForWritingWithClearErrorAndRecovers() throws {
        try TmpfsMount.with(sizeKiB: 4096) { mount in
            let path = mount.path + "/state.sqlite"
            do {
                let store = try ResultStore(path: path)
                _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<10))
            }
            try mount.remount(options: "ro")
            let error = try #require(throws: StoreError.self) { try ResultStore(path: path) }
            guard case .readOnly = error.reason else {
                Issue.record("expected a read-only error, got \(error)")
                return
            }
            #expect(error.description.contains("read-only"))
            #expect(error.path == path)
            try mount.remount(options: "rw")
            let store = try ResultStore(path: path)
            #expect(try store.jobRecords(sweep: sweepRecord(1).id).count == 10)
        }
    }

    // MARK: - Helpers

    private func announced(in text: String) -> [Int] {
        text.split(separator: "\n").compactMap { line in
            line.hasPrefix("committed ") ? Int(line.dropFirst("committed ".count)) : nil
        }
    }

    /// The support program, next to the test bundle in the build products directory.
    static var crashWriter: URL? {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [bundle, Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
            .map { $0.appendingPathComponent("store-crash-writer") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}

/// A small tmpfs mounted under the temporary directory, to make a real full or read-only file system.
struct TmpfsMount {
    let path: String

    /// `nil` when this process can mount a tmpfs (root with CAP_SYS_ADMIN, not inside a
    /// restricted sandbox), else why not: the reason a skipped test prints.
    static let unavailableReason: String? = {
        guard getuid() == 0 else { return "needs root to mount a tmpfs (uid \(getuid()))" }
        do {
            try with(sizeKiB: 64) { _ in }
            return nil
        } catch {
            return "cannot mount a tmpfs here: \(error)"
        }
    }()

    static func with(sizeKiB: Int, _ body: (TmpfsMount) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sweepstore-mnt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(sizeKiB)k", "tmpfs", dir.path])
        defer { try? run("/bin/umount", ["-l", dir.path]) }
        try body(TmpfsMount(path: dir.path))
    }

    func resize(sizeKiB: Int) throws { try Self.run("/bin/mount", ["-o", "remount,size=\(sizeKiB)k", path]) }
    func remount(options: String) throws { try Self.run("/bin/mount", ["-o", "remount,\(options)", path]) }

    struct CommandFailed: Error { var command: String; var status: Int32 }

    private static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailed(command: ([tool] + arguments).joined(separator: " "), status: process.terminationStatus)
        }
    }
}
