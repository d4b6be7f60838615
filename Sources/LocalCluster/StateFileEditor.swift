import Foundation
import SweepModel
import SweepStore
import SweepWire

/// Changes a state file with no coordinator running on it: it takes the file's lock first (so it
/// never writes beside a live owner) and applies the same rules the coordinator does.
public struct StateFileEditor {
    /// Why the change was refused or failed.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case missing(String)
        case inUse(StateFileLock.Failure)
        case store(StoreError)
        case selection(path: String, SweepSelectionError)
        case stillRunning(SweepRecord)

        public var description: String {
            switch self {
            case .missing(let path): "state file \(path) does not exist"
            case .inUse(let failure): "\(failure)"
            case .store(let error): "\(error)"
            case .selection(let path, let error): "\(path): \(error)"
            case .stillRunning(let record):
                "sweep \(record.id.short) ('\(record.name)') has not ended; cancel it first (with its coordinator running)"
            }
        }
    }

    public let path: String

    public init(path: String) throws(Failure) {
        guard FileManager.default.fileExists(atPath: path) else { throw .missing(path) }
        self.path = path
    }

    /// Deletes an ended sweep and the jobs only it holds (as `client.delete`).
    public func delete(_ reference: String?) throws(Failure) -> ClientReply.Deleted {
        let lock: StateFileLock
        do {
            lock = try StateFileLock(statePath: path, holder: .current(command: "clustersweep delete"))
        } catch {
            throw .inUse(error)
        }
        defer { withExtendedLifetime(lock) {} }
        let store: ResultStore
        do {
            store = try ResultStore(path: path)
        } catch {
            throw .store(error)
        }
        let record: SweepRecord
        do {
            record = try store.selectSweep(reference)
        } catch {
            throw .selection(path: path, error)
        }
        guard record.finishedAt != nil || record.cancelled else { throw .stillRunning(record) }
        do {
            let outcome = try store.delete(sweep: record.id)
            return ClientReply.Deleted(sweep: record.id, name: record.name, jobsRemoved: outcome.jobsRemoved, jobsKept: outcome.jobsKept)
        } catch {
            throw .store(error)
        }
    }
}
