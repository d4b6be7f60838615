/// Strings in one byte buffer (about 72 bytes per 64-character job id instead of a heap object
/// each), for the ids of a million observed jobs.
struct StringColumn: Sendable {
    private var bytes: [UInt8] = []
    private var ends: [Int] = []

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        ends.append(bytes.count)
    }

    subscript(position: Int) -> String {
        let start = position == 0 ? 0 : ends[position - 1]
        return String(decoding: bytes[start..<ends[position]], as: UTF8.self)
    }
}
