import Foundation
import SweepWire

/// Why a benchmark (`bench dispatch`, `submit`, `retry`, `report`) could not run. The command
/// names the benchmark in front of it ("bench submit: ...").
public enum BenchmarkFailure: Error, Sendable, CustomStringConvertible {
    /// A part could not be prepared or started, or a check of the run failed.
    case setUp(String)
    /// A request to the coordinator failed.
    case client(SweepClientError)
    /// The store could not be read after the run.
    case store(String)

    public var description: String {
        switch self {
        case .setUp(let reason): reason
        case .client(let error): "\(error)"
        case .store(let reason): "cannot read the store: \(reason)"
        }
    }

    /// A new temporary directory for one run, named after the benchmark; the caller removes it.
    static func scratchDirectory(for bench: String) throws(BenchmarkFailure) -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("clustersweep-bench-\(bench)-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .setUp("cannot create \(directory.path): \(error.localizedDescription)")
        }
        return directory
    }
}
