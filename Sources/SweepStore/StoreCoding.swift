import Foundation

/// How the store turns values into columns: JSON with sorted keys for parameters and results
/// (non-finite numbers kept as strings, since a diverged run's loss may be NaN), and dates as
/// Unix seconds.
struct StoreCoding {
    let encoder: JSONEncoder
    let decoder: JSONDecoder

    init() {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        self.encoder = encoder
        self.decoder = decoder
    }

    func json(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    func value<T: Decodable>(_ type: T.Type, json: String) throws -> T {
        try decoder.decode(type, from: Data(json.utf8))
    }

    static func seconds(_ date: Date) -> Double { date.timeIntervalSince1970 }
    static func date(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }
}
