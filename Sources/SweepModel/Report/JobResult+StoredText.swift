import Foundation

extension JobResult {
    /// The result stored as exactly `{"seconds":N,"status":"S"}` (what the store writes for a job
    /// without a train summary: every `noop` and `sleep` job), read without JSONDecoder; `nil`
    /// for any other text, which the decoder then reads. A streamed report of a million no-op
    /// jobs spent an eighth of its time decoding these two fields.
    static func withoutSummary(storedText text: String) -> JobResult? {
        let prefix = #"{"seconds":"#, middle = #","status":""#, suffix = #""}"#
        guard text.hasPrefix(prefix), text.hasSuffix(suffix), let split = text.range(of: middle) else { return nil }
        let start = text.index(text.startIndex, offsetBy: prefix.count)
        let end = text.index(text.endIndex, offsetBy: -suffix.count)
        guard start <= split.lowerBound, split.upperBound <= end,
              let seconds = Double(text[start..<split.lowerBound]), seconds.isFinite,
              let status = JobStatus(rawValue: String(text[split.upperBound..<end]))
        else { return nil }
        return JobResult(status: status, summary: nil, seconds: seconds)
    }
}
