import Crypto
import Foundation

// MARK: - Canonical encoding and job ids

extension JobParameters {
    /// The encoder of the canonical form: sorted keys, no whitespace, slashes unescaped.
    static func canonicalEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The canonical encoding whose hash is the job id: JSON from Foundation's `JSONEncoder` with
    /// `.sortedKeys` and `.withoutEscapingSlashes`, no whitespace, UTF-8. Numbers are written in
    /// the shortest form that reads back to the same value (`0.001`, `3e-05`, `1000`), so values
    /// spelt differently in a file (`1e-3`, `0.001`) encode identically. Callers pass resolved
    /// parameters (`ExperimentConfig.resolved()`), as `SweepSpec.plan()` does.
    public var canonicalJSON: Data { canonicalJSON(using: Self.canonicalEncoder()) }

    func canonicalJSON(using encoder: JSONEncoder) -> Data {
        // Encoding only fails for non-finite doubles, which validation refuses before any plan;
        // the fallback still yields a deterministic, distinct encoding instead of crashing.
        (try? encoder.encode(self)) ?? Data(String(describing: self).utf8)
    }

    /// SHA-256 (lowercase hex) of `canonicalJSON`: the same parameters give the same id in every
    /// sweep, so overlapping sweeps share jobs and their results.
    public var jobID: JobID { jobID(using: Self.canonicalEncoder()) }

    func jobID(using encoder: JSONEncoder) -> JobID {
        JobID(rawValue: Self.hex(SHA256.hash(data: canonicalJSON(using: encoder))))
    }

    /// Lowercase hex of a digest's bytes.
    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
