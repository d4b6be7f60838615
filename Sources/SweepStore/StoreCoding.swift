import Foundation
import SweepModel

/// How the store turns values into columns: JSON with sorted keys for parameters and results
/// (non-finite numbers spelled as `NonFiniteNumbers` says), and dates as Unix seconds.
struct StoreCoding {
    let encoder: JSONEncoder
    let decoder: JSONDecoder

    init() {
        encoder = NonFiniteNumbers.encoder([.sortedKeys, .withoutEscapingSlashes])
        decoder = NonFiniteNumbers.decoder()
    }

    func json(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A result's JSON: written by hand for the common result without a train summary (a `noop`
    /// or `sleep` job: `{"seconds":…,"status":"…"}`, the keys sorted as `encoder` sorts them),
    /// which the dispatch hot path commits once per job; by `encoder` otherwise.
    func resultJSON(_ result: JobResult) throws -> String {
        guard result.summary == nil, result.seconds.isFinite else { return try json(result) }
        var seconds = result.seconds.description
        if seconds.hasSuffix(".0") { seconds.removeLast(2) }
        return "{\"seconds\":\(seconds),\"status\":\"\(result.status.rawValue)\"}"
    }

    func value<T: Decodable>(_ type: T.Type, json: String) throws -> T {
        try NonFiniteNumbers.decode(type, from: Data(json.utf8), using: decoder)
    }

    static func seconds(_ date: Date) -> Double { date.timeIntervalSince1970 }
    static func date(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }
}
