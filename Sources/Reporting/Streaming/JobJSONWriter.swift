import Foundation
import SweepModel

/// Writes report.json's job entries by hand, as `SweepReport.encoder()` would (compact, keys
/// sorted, slashes unescaped, non-finite numbers as strings): a streamed million-job report
/// spends most of its time here, and JSONEncoder's generic boxing of seven keys per job took a
/// third of `report`'s time. The train summary, present for few jobs and the one nested type
/// with rules of its own (non-finite metrics as `null`), still goes through JSONEncoder.
struct JobJSONWriter {
    private(set) var bytes: [UInt8] = []
    private let encoder = SweepReport.encoder()

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends `job`'s entry, preceded by a comma unless it is the first of the array; its
    /// `parameters` object is `parametersJSON` when given (rendered once per shape), else
    /// `job.parameters`.
    mutating func append(_ job: ReportJob, first: Bool, parametersJSON: String? = nil) throws(ReportError) {
        if !first { byte(",") }
        text(#"{"attempts":{"count":"#)
        text(String(job.attempts.count))
        text(#","last_error":"#)
        if let error = job.attempts.lastError { string(error) } else { text("null") }
        text(#"},"index":"#)
        text(String(job.index))
        text(#","job_id":"#)
        string(job.jobID)
        text(#","parameters":"#)
        if let parametersJSON { text(parametersJSON) } else { parameters(job.parameters) }
        text(#","result":"#)
        if let result = job.result {
            do {
                bytes.append(contentsOf: try encoder.encode(result))
            } catch {
                throw .encodingFailed(file: "report.json", underlying: error)
            }
        } else {
            text("null")
        }
        text(#","status":"#)
        string(job.status.rawValue)
        text(#","worker_seconds":"#)
        if let seconds = job.workerSeconds { number(seconds) } else { text("null") }
        byte("}")
    }

    /// `"key":value` of one parameter, as `append` writes it.
    static func entry(_ key: String, _ value: ParameterValue) -> String {
        var writer = JobJSONWriter(capacity: 64)
        writer.string(key)
        writer.byte(":")
        writer.value(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private mutating func parameters(_ parameters: [String: ParameterValue]) {
        byte("{")
        for (n, key) in parameters.keys.sorted().enumerated() {
            if n > 0 { byte(",") }
            string(key)
            byte(":")
            if let value = parameters[key] { self.value(value) }
        }
        byte("}")
    }

    private mutating func value(_ value: ParameterValue) {
        switch value {
        case .bool(let v): text(v ? "true" : "false")
        case .int(let v): text(String(v))
        case .unsigned(let v): text(String(v))
        case .double(let v): number(v)
        case .string(let v): string(v)
        case .null: text("null")
        case .list(let values):
            byte("[")
            for (n, element) in values.enumerated() {
                if n > 0 { byte(",") }
                self.value(element)
            }
            byte("]")
        }
    }

    /// A number as JSONEncoder writes a `Double`: integral values without a fraction, others in
    /// their shortest round-trip form; non-finite ones as `NonFiniteNumbers` spells them.
    private mutating func number(_ value: Double) {
        if value.isNaN {
            text("\"\(NonFiniteNumbers.nan)\"")
        } else if value.isInfinite {
            text("\"\(value > 0 ? NonFiniteNumbers.positiveInfinity : NonFiniteNumbers.negativeInfinity)\"")
        } else if value == value.rounded(), abs(value) < 1e15 {
            text(String(Int(value)))
        } else {
            text(String(describing: value))
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
    private mutating func string(_ value: String) {
        byte("\"")
        for unit in value.utf8 {
            switch unit {
            case UInt8(ascii: "\""): text(#"\""#)
            case UInt8(ascii: "\\"): text(#"\\"#)
            case 0x0A: text(#"\n"#)
            case 0x0D: text(#"\r"#)
            case 0x09: text(#"\t"#)
            case 0x08: text(#"\b"#)
            case 0x0C: text(#"\f"#)
            case 0..<0x20:
                let hex = String(unit, radix: 16)
                text(#"\u00"# + (hex.count == 1 ? "0" : "") + hex)
            default: bytes.append(unit)
            }
        }
        byte("\"")
    }

    private mutating func text(_ value: String) { bytes.append(contentsOf: value.utf8) }

    private mutating func byte(_ value: Unicode.Scalar) { bytes.append(UInt8(ascii: value)) }
}
