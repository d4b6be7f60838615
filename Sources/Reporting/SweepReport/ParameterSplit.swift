import Foundation
import SweepModel

/// Splits each job's flattened parameters into those the whole sweep shares, written once under
/// `sweep.parameters`, and the job's own (its grid keys and seed), so report.json does not repeat
/// forty identical values a million times.
///
/// It is decided from the sweep file's grid and the first job in plan order, before any job is
/// written, so it works while streaming. It stays exact whatever the jobs hold: a job's own
/// parameters also list any key whose value differs from the shared one (a derived default that
/// follows a grid key), and `null` for a shared key the job lacks; `merged(_:)` gives back every
/// parameter.
public struct ParameterSplit: Sendable, Equatable {
    /// The parameters written once, under `sweep.parameters`.
    public private(set) var shared: [String: ParameterValue]
    /// Keys always written per job: the sweep's grid keys and the seed.
    public let ownKeys: Set<String>

    /// A split with `ownKeys` (the seed is always one) and the shared part taken from `first`,
    /// the flattened parameters of the first job in plan order.
    public init(first: [String: ParameterValue], ownKeys: Set<String>) {
        let own = ownKeys.union([ReportParameters.seedKey])
        self.ownKeys = own
        shared = first.filter { !own.contains($0.key) }
    }

    /// A split that keeps every parameter with its job (a report with no job).
    public init() {
        ownKeys = [ReportParameters.seedKey]
        shared = [:]
    }

    /// The grid keys of a sweep file's text; empty when it does not parse (a hand-made record).
    public static func gridKeys(sourceText: String, sourceName: String) -> Set<String> {
        guard let spec = try? SweepFile.parse(text: sourceText, sourceName: sourceName) else { return [] }
        return Set(spec.grid.map(\.key.rawValue))
    }

    /// The part of `flattened` written with its job: own keys, values that differ from the
    /// shared ones, and `null` for shared keys it lacks.
    public func own(_ flattened: [String: ParameterValue]) -> [String: ParameterValue] {
        var own = flattened.filter { ownKeys.contains($0.key) || shared[$0.key] != $0.value }
        for key in shared.keys where flattened[key] == nil { own[key] = .null }
        return own
    }

    /// Every parameter of a job whose own part is `own` (a `null` own value means "absent").
    public func merged(_ own: [String: ParameterValue]) -> [String: ParameterValue] {
        var all = shared
        for (key, value) in own {
            if value == .null { all[key] = nil } else { all[key] = value }
        }
        return all
    }
}
