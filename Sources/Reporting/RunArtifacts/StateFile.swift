import Foundation
import TrainingCore

/// Reads and writes state files (`ModelState` as JSON, format in its doc comment), turning every
/// decoding failure into an error that names the file and the JSON path.
public enum StateFile {
    /// Decodes the state in `url`.
    public static func read(from url: URL) throws(RunArtifactError) -> ModelState {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .cannotRead(file: url.path, reason: (error as NSError).localizedDescription)
        }
        return try decode(data, file: url.path)
    }

    /// Decodes a state from JSON `data`; `file` names it in errors.
    public static func decode(_ data: Data, file: String) throws(RunArtifactError) -> ModelState {
        do {
            return try JSONDecoder().decode(ModelState.self, from: data)
        } catch let error as DecodingError {
            let (path, reason) = describe(error)
            throw .malformedState(file: file, path: path, reason: reason)
        } catch {
            throw .malformedState(file: file, path: "", reason: "\(error)")
        }
    }

    /// Writes `state` to `url` (sorted keys; non-finite numbers as `null`).
    public static func write(_ state: ModelState, to url: URL) throws(RunArtifactError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            try encoder.encode(state).write(to: url, options: .atomic)
        } catch {
            throw .cannotWrite(file: url.path, reason: "\(error)")
        }
    }

    /// The JSON kind a Swift type decodes from, for messages.
    static func jsonKind(_ type: Any.Type) -> String {
        switch type {
        case is Float.Type, is Double.Type: "a number"
        case is Int.Type: "an integer"
        case is String.Type: "a string"
        case is [Any].Type: "an array"
        case is [String: Any].Type: "an object"
        default: "\(type)"
        }
    }

    /// A JSON path (`layers[1].weights[0]`) and a reason for a decoding error.
    static func describe(_ error: DecodingError) -> (path: String, reason: String) {
        func path(_ codingPath: [any CodingKey]) -> String {
            var out = ""
            for key in codingPath {
                if let index = key.intValue {
                    out += "[\(index)]"
                } else {
                    out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return out
        }
        switch error {
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "expected \(jsonKind(type))")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "missing \(type) value (null)")
        case .keyNotFound(let key, let context):
            return (path(context.codingPath + [key]), "required key is missing")
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return (path(context.codingPath), underlying.map { "not valid JSON (\($0))" } ?? context.debugDescription)
        @unknown default:
            return ("", "\(error)")
        }
    }
}
