import Foundation

/// What went wrong while encoding, decoding or writing a report, naming the file involved.
public enum ReportError: Error, CustomStringConvertible {
    /// A report file could not be encoded.
    case encodingFailed(file: String, underlying: any Error)
    /// A `report.json` could not be decoded.
    case decodingFailed(underlying: any Error)
    /// A `report.json` has a schema version this code does not read.
    case unsupportedVersion(got: Int, expected: Int)
    /// The output directory could not be created.
    case directoryFailed(path: String, underlying: any Error)
    /// A report file could not be written.
    case writeFailed(path: String, underlying: any Error)
    /// A page of jobs could not be read (from the store or the coordinator).
    case readFailed(underlying: any Error)
    /// A page of jobs holds something a store never writes (a shape out of range, a result or
    /// parameters that do not decode).
    case malformedPage(String)

    public var description: String {
        switch self {
        case .encodingFailed(let file, let underlying):
            "cannot encode \(file): \(underlying)"
        case .decodingFailed(let underlying):
            "cannot decode report.json: \(underlying)"
        case .unsupportedVersion(let got, let expected):
            "report.json has version \(got); this build reads version \(expected)"
        case .directoryFailed(let path, let underlying):
            "cannot create report directory \(path): \(underlying.localizedDescription)"
        case .writeFailed(let path, let underlying):
            "cannot write \(path): \(underlying.localizedDescription)"
        case .readFailed(let underlying):
            "cannot read the sweep's jobs: \(underlying)"
        case .malformedPage(let reason):
            "unreadable job in the sweep: \(reason)"
        }
    }
}
