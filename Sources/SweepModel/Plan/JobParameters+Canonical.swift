import Crypto
import Foundation

// MARK: - Canonical encoding and job ids

extension JobParameters {
    /// The canonical encoding whose hash is the job id: JSON from Foundation's `JSONEncoder` with
    /// `.sortedKeys` and `.withoutEscapingSlashes`, no whitespace, UTF-8. Numbers are written in
    /// the shortest form that reads back to the same value (`0.001`, `3e-05`, `1000`), so values
    /// spelt differently in a file (`1e-3`, `0.001`) encode identically. Callers pass resolved
    /// parameters (`ExperimentConfig.resolved()`), as `SweepSpec.plan()` does.
    public var canonicalJSON: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding only fails for non-finite doubles, which validation refuses before any plan;
        // the fallback still yields a deterministic, distinct encoding instead of crashing.
        return (try? encoder.encode(self)) ?? Data(String(describing: self).utf8)
    }

    /// SHA-256 (lowercase hex) of `canonicalJSON`: the same parameters give the same id in every
    /// sweep, so overlapping sweeps share jobs and their results.
    public var jobID: JobID {
        JobID(rawValue: SHA256.hash(data: canonicalJSON).map { String(format: "%02x", $0) }.joined())
    }
}
