import Foundation

/// The one spelling of non-finite numbers in ClusterSweep's JSON: the store's columns,
/// report.json and everything read back from them.
///
/// JSON has no NaN or infinity. A value that is non-finite by nature (a diverged run's loss and
/// metrics) is an optional written as `null` (see `MetricValues`). Any other non-finite `Double`
/// is written as the string `"NaN"`, `"Infinity"` or `"-Infinity"` (the names JavaScript and
/// Python's `json` module use) and read back from it. Stores written before this spelling was
/// unified used `"nan"`, `"inf"` and `"-inf"`: `decode` still reads those, nothing writes them.
public enum NonFiniteNumbers {
    public static let nan = "NaN"
    public static let positiveInfinity = "Infinity"
    public static let negativeInfinity = "-Infinity"

    public static let encodingStrategy = JSONEncoder.NonConformingFloatEncodingStrategy.convertToString(
        positiveInfinity: positiveInfinity, negativeInfinity: negativeInfinity, nan: nan)
    public static let decodingStrategy = JSONDecoder.NonConformingFloatDecodingStrategy.convertFromString(
        positiveInfinity: positiveInfinity, negativeInfinity: negativeInfinity, nan: nan)
    /// The store's spelling before it was unified: read, never written.
    static let legacyDecodingStrategy = JSONDecoder.NonConformingFloatDecodingStrategy.convertFromString(
        positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

    /// A JSON encoder with the one spelling (and the given formatting).
    public static func encoder(_ formatting: JSONEncoder.OutputFormatting = []) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = formatting
        encoder.nonConformingFloatEncodingStrategy = encodingStrategy
        return encoder
    }

    /// A JSON decoder that reads the one spelling.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = decodingStrategy
        return decoder
    }

    /// Decodes stored JSON with `decoder` (made by `decoder()`); JSON that fails only because
    /// it holds the old spelling is read again with it.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, using decoder: JSONDecoder) throws -> T {
        do {
            return try decoder.decode(type, from: data)
        } catch let error as DecodingError {
            guard Self.mayHoldLegacySpelling(data) else { throw error }
            let legacy = JSONDecoder()
            legacy.nonConformingFloatDecodingStrategy = legacyDecodingStrategy
            return try legacy.decode(type, from: data)
        }
    }

    private static func mayHoldLegacySpelling(_ data: Data) -> Bool {
        let text = String(decoding: data, as: UTF8.self)
        return text.contains("\"nan\"") || text.contains("\"inf\"") || text.contains("\"-inf\"")
    }
}
