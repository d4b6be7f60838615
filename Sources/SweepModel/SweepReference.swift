import Foundation

/// What a user types to name a sweep: its full id, a unique prefix of it, or its name. One rule
/// resolves it everywhere (the coordinator's directory, the state file offline): a full id wins
/// over a prefix, a prefix over a name; case and surrounding spaces do not matter for ids.
public struct SweepReference: Sendable, Hashable, CustomStringConvertible {
    /// The text as typed.
    public let text: String

    public init(_ text: String) {
        self.text = text
    }

    public var description: String { text }

    /// The sweep among `sweeps` (in submission order) that this names.
    public func resolve(among sweeps: [SweepRecord]) -> SweepLookup {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .notFound }
        let lowered = trimmed.lowercased()
        if let exact = sweeps.first(where: { $0.id.rawValue == lowered }) { return .found(exact) }
        let byPrefix = sweeps.filter { $0.id.rawValue.hasPrefix(lowered) }
        let candidates = byPrefix.isEmpty ? sweeps.filter { $0.name == trimmed } : byPrefix
        switch candidates.count {
        case 0: return .notFound
        case 1: return .found(candidates[0])
        default: return .ambiguous(candidates)
        }
    }
}

/// The answer to looking a sweep up by what a user typed (`SweepReference.resolve`).
public enum SweepLookup: Sendable, Equatable {
    case found(SweepRecord)
    case notFound
    /// Several sweeps match (an id prefix too short, or a name used more than once).
    case ambiguous([SweepRecord])
}
