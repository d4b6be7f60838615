import Benchmarks
import Coordinator
import Foundation
import Logging
import SweepModel
import SweepStore
import SweepWire

/// How long `clustersweep report` takes on a large finished sweep and how much memory it needs:
/// a synthetic sweep (`SyntheticSweep`) in a temporary state file, then the report command of
/// the given executable as a separate process, once offline (`--state`) and once from a
/// coordinator on that file, each timed with its peak RSS. `clustersweep bench report` prints
/// `Result.lines`.
public struct ReportBenchmark {
    public struct Configuration: Sendable {
        /// Jobs in the sweep.
        public var jobs = 1_000_000
        /// One job in this many has a train-like summary (0: none).
        public var trainEvery = 100
        /// Also time the report through an embedded coordinator (`client.report_page`).
        public var viaCoordinator = true
        /// The `clustersweep` executable whose `report` is timed.
        public var executable: URL
        /// Where to write the state file and the reports, kept afterwards (for profiling);
        /// `nil`: a temporary directory, removed.
        public var directory: URL?

        public init(executable: URL) {
            self.executable = executable
        }
    }

    /// One timed `report` command.
    public struct Run: Sendable {
        public var source: String
        public var figures: ChildRun.Figures
        public var jsonBytes: Int
        public var csvBytes: Int
        /// Whether report.json counts every job and report.csv has a row for each.
        public var complete: Bool
    }

    /// What one benchmark measured.
    public struct Result: Sendable {
        public var configuration: Configuration
        public var buildSeconds: Double
        public var storeBytes: Int
        public var runs: [Run]
        /// Round trips of `client.report_page` requests (1,000 jobs each) through the whole
        /// sweep, sorted: each bounds the coordinator loop time that one page took.
        public var pageSeconds: [Double] = []

        /// Whether every report command succeeded and wrote every job.
        public var verified: Bool { runs.allSatisfy { $0.figures.status == 0 && $0.complete } }

        public var lines: [String] {
            let c = configuration
            let n = Double(c.jobs)
            var lines = [
                "sweep: \(c.jobs) jobs (noop, one in \(c.trainEvery) with a train-like summary), "
                    + "built in \(Self.format(buildSeconds)) s; store \(storeBytes / 1_048_576) MB",
            ]
            for run in runs {
                lines.append(
                    "report \(run.source): \(Self.format(run.figures.seconds)) s wall, peak RSS "
                        + "\(run.figures.peakBytes / 1_048_576) MB, report.json \(Self.format(Double(run.jsonBytes) / n)) bytes/job "
                        + "(\(run.jsonBytes / 1_048_576) MB), report.csv \(run.csvBytes / 1_048_576) MB"
                        + (run.figures.status == 0 ? "" : ", exit status \(run.figures.status)")
                        + (run.complete ? "" : ", INCOMPLETE"))
            }
            if let slowest = pageSeconds.last {
                let median = pageSeconds[pageSeconds.count / 2]
                lines.append(
                    "client.report_page round trips (1000 jobs each, \(pageSeconds.count) pages): median "
                        + "\(Self.format(median * 1000)) ms, slowest \(Self.format(slowest * 1000)) ms")
            }
            return lines
        }

        static func format(_ value: Double) -> String { String(format: "%.2f", value) }
    }

    /// Why the benchmark could not run.
    public let configuration: Configuration
    private let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs the benchmark in a temporary directory, removed afterwards.
    public func run() throws(BenchmarkFailure) -> Result {
        let c = configuration
        let directory = c.directory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("clustersweep-bench-report-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .setUp("cannot create \(directory.path): \(error.localizedDescription)")
        }
        defer { if c.directory == nil { try? FileManager.default.removeItem(at: directory) } }
        let statePath = directory.appendingPathComponent("state.sqlite").path
        let started = ContinuousClock.now
        let sweep: SweepRecord
        do {
            sweep = try SyntheticSweep.write(to: statePath, jobs: c.jobs, trainEvery: c.trainEvery)
        } catch {
            throw .setUp("cannot build the synthetic sweep: \(error)")
        }
        let buildSeconds = (ContinuousClock.now - started).seconds
        let storeBytes = Self.size(statePath) + Self.size(statePath + "-wal")

        var runs: [Run] = []
        var pageSeconds: [Double] = []
        let offline = directory.appendingPathComponent("report-state")
        runs.append(try measure(
            "--state", arguments: ["report", "--state", statePath, "--out", offline.path], output: offline))
        if c.viaCoordinator {
            let configuration = CoordinatorConfiguration(bind: "tcp://127.0.0.1:0", statePath: statePath)
            let coordinator: EmbeddedCoordinator
            let endpoint: String
            do {
                coordinator = try EmbeddedCoordinator(configuration: configuration, logger: logger)
                endpoint = try coordinator.waitUntilReady(timeout: .seconds(120))
            } catch {
                throw .setUp("cannot start the coordinator: \(error)")
            }
            defer { coordinator.stop(shutdownWorkers: false) }
            let online = directory.appendingPathComponent("report-coordinator")
            runs.append(try measure(
                "--coordinator", arguments: ["report", sweep.id.rawValue, "--coordinator", endpoint, "--out", online.path],
                output: online))
            pageSeconds = try Self.pageRoundTrips(sweep.id, endpoint: endpoint)
        }
        return Result(configuration: c, buildSeconds: buildSeconds, storeBytes: storeBytes, runs: runs, pageSeconds: pageSeconds)
    }

    /// Pages through the whole sweep with `client.report_page`, timing each request.
    private static func pageRoundTrips(_ sweep: SweepID, endpoint: String) throws(BenchmarkFailure) -> [Double] {
        var seconds: [Double] = []
        do throws(SweepClientError) {
            let client = try SweepClient(endpoint: endpoint, timeoutSeconds: 60)
            var from = 0
            while true {
                let started = ContinuousClock.now
                let page = try client.reportPage(sweep, from: from).page
                seconds.append((ContinuousClock.now - started).seconds)
                guard page.more, !page.rows.isEmpty else { break }
                from = page.next
            }
        } catch {
            throw .setUp("paging through the sweep failed: \(error)")
        }
        return seconds.sorted()
    }

    private func measure(_ source: String, arguments: [String], output: URL) throws(BenchmarkFailure) -> Run {
        guard let figures = ChildRun.run(configuration.executable.path, arguments) else {
            throw .setUp("cannot start \(configuration.executable.path)")
        }
        let json = output.appendingPathComponent("report.json")
        let csv = output.appendingPathComponent("report.csv")
        let complete = Self.tail(of: json.path).contains("\"job_count\":\(configuration.jobs),")
            && Self.lineCount(csv.path) == configuration.jobs + 1
        return Run(
            source: source, figures: figures, jsonBytes: Self.size(json.path), csvBytes: Self.size(csv.path), complete: complete)
    }

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// The last 256 KiB of a file as text (report.json's `sweep` object is near its end).
    static func tail(of path: String) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let size = UInt64(Self.size(path))
        try? handle.seek(toOffset: size > 262_144 ? size - 262_144 : 0)
        return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
    }

    /// Line feeds in a file, read in chunks.
    static func lineCount(_ path: String) -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else { return -1 }
        defer { try? handle.close() }
        var count = 0
        while let chunk = try? handle.read(upToCount: 4 << 20), !chunk.isEmpty {
            count += chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        }
        return count
    }
}
