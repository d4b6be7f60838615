import Foundation
import SweepModel

/// Why `selectSweep` found no single sweep.
public enum SweepSelectionError: Error, Sendable, CustomStringConvertible {
    case store(StoreError)
    case notFound(String)
    /// Several sweeps match what was typed (each shown with its id prefix, name and creation time).
    case ambiguous(String, [SweepRecord])
    case empty
    /// No sweep was named and the store holds more than one.
    case unnamed([SweepRecord])

    public var description: String {
        switch self {
        case .store(let error): "\(error)"
        case .notFound(let reference): "no sweep '\(reference)'"
        case .ambiguous(let reference, let candidates):
            "'\(reference)' matches \(candidates.count) sweeps; name one by its id: \(Self.list(candidates))"
        case .empty: "it holds no sweep"
        case .unnamed(let all): "it holds \(all.count) sweeps; name one: \(Self.list(all))"
        }
    }

    /// `4dd5d5595969 (paper, created 2026-11-30T03:44:52Z)`, one per sweep.
    static func list(_ sweeps: [SweepRecord]) -> String {
        sweeps.map { "\($0.id.short) (\($0.name), created \($0.createdAt.formatted(Date.ISO8601FormatStyle())))" }
            .joined(separator: ", ")
    }
}

extension ResultStore {
    /// The sweep a command means: the one `reference` (full id, unique id prefix or name) names,
    /// or, when nothing is named, the store's only sweep.
    public func selectSweep(_ reference: String?) throws(SweepSelectionError) -> SweepRecord {
        do {
            if let reference {
                switch try lookupSweep(reference) {
                case .found(let found): return found
                case .notFound: throw SweepSelectionError.notFound(reference)
                case .ambiguous(let candidates): throw SweepSelectionError.ambiguous(reference, candidates)
                }
            }
            let all = try sweeps()
            guard let only = all.first else { throw SweepSelectionError.empty }
            guard all.count == 1 else { throw SweepSelectionError.unnamed(all) }
            return only
        } catch let error as SweepSelectionError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .notFound(reference ?? "")
        }
    }
}
