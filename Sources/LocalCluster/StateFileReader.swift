import Foundation
import SweepModel
import SweepStore
import SweepWire

/// Reads a state file offline, read-only (beside a live coordinator too: WAL gives a consistent
/// snapshot), in the same shapes the coordinator answers with, so `status`, `sweeps`, `jobs`
/// and `report` print the same whether they ask a coordinator or read `--state FILE`.
public struct StateFileReader {
    /// Why a state file could not be read.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case missing(String)
        case store(StoreError)
        case selection(path: String, SweepSelectionError)

        public var description: String {
            switch self {
            case .missing(let path): "state file \(path) does not exist"
            case .store(let error): "\(error)"
            case .selection(let path, let error): "\(path): \(error)"
            }
        }
    }

    public let path: String
    private let store: ResultStore

    public init(path: String) throws(Failure) {
        guard FileManager.default.fileExists(atPath: path) else { throw .missing(path) }
        self.path = path
        do {
            store = try ResultStore(path: path, readOnly: true)
        } catch {
            throw .store(error)
        }
    }

    /// The sweep `reference` names (id, unique id prefix or name), or the file's only sweep.
    public func sweep(_ reference: String?) throws(Failure) -> SweepRecord {
        do {
            return try store.selectSweep(reference)
        } catch {
            throw .selection(path: path, error)
        }
    }

    /// Progress of one sweep (or of all) as `status` shows it; no workers and no rate offline.
    public func status(_ reference: String?) throws(Failure) -> ClientReply.Status {
        let records: [SweepRecord]
        if let reference {
            records = [try sweep(reference)]
        } else {
            do { records = try store.sweeps() } catch { throw .store(error) }
        }
        var sweeps: [ClientReply.SweepStatus] = []
        for record in records {
            let stored: [JobStatus: Int]
            do { stored = try store.counts(sweep: record.id) } catch { throw .store(error) }
            var counts = ClientReply.JobCounts()
            for (status, count) in stored { counts[status] = count }
            sweeps.append(ClientReply.SweepStatus(
                sweep: record.id, name: record.name, counts: counts, cancelled: record.cancelled,
                createdAt: record.createdAt, finishedAt: record.finishedAt, jobsPerSecond: 0, etaSeconds: nil,
                description: record.descriptionText))
        }
        return ClientReply.Status(sweeps: sweeps, workersAlive: 0, slotsAlive: 0, jobsPerSecond: 0)
    }

    /// One page of the sweep's jobs in plan order from index `from` (`ResultStore.reportRows`),
    /// the pages of a streamed report.
    public func reportPage(_ sweep: SweepID, from: Int, limit: Int) throws(Failure) -> ReportRowsPage {
        do {
            return try store.reportRows(sweep: sweep, from: from, limit: limit)
        } catch {
            throw .store(error)
        }
    }
}
