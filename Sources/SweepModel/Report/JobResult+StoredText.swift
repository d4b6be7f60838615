import Foundation

extension JobResult {
    /// The result stored as exactly `{"seconds":N,"status":"S"}` (what the store writes for a job
    /// without a train summary: every `noop` and `sleep` job), read without JSONDecoder; `nil`
    /// for any other text, which the decoder then reads. A streamed report of a million no-op
    /// jobs spent an eighth of its time decoding these two fields.
    static func withoutSummary(storedText text: String) -> JobResult? {
        var text = text
        return text.withUTF8 { bytes -> JobResult? in
            let prefix = Array(#"{"seconds":"#.utf8), middle = Array(#","status":""#.utf8), suffix = Array(#""}"#.utf8)
            guard bytes.count > prefix.count + middle.count + suffix.count,
                  bytes.starts(with: prefix), bytes.reversed().starts(with: suffix.reversed())
            else { return nil }
            let end = bytes.count - suffix.count
            var split = prefix.count
            while split + middle.count <= end, !bytes[split..<(split + middle.count)].elementsEqual(middle) { split += 1 }
            guard split + middle.count <= end,
                  let seconds = Double(String(decoding: bytes[prefix.count..<split], as: UTF8.self)), seconds.isFinite,
                  let status = JobStatus(rawValue: String(decoding: bytes[(split + middle.count)..<end], as: UTF8.self))
            else { return nil }
            return JobResult(status: status, summary: nil, seconds: seconds)
        }
    }
}
