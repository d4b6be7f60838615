/// ZeroMQ's Z85 text encoding of binary data (RFC 32/Z85), as used for CURVE keys in files.
///
/// Both directions go through libzmq (`zmq_z85_encode`, `zmq_z85_decode`); input is checked here
/// first so libzmq never sees a length or character it would reject.
public enum Z85 {
    /// The 85 characters of the Z85 alphabet, in value order.
    static let alphabet: [UInt8] = Array(
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)

    private static let isAlphabet: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in alphabet { table[Int(byte)] = true }
        return table
    }()

    /// Whether `character` is one of the 85 characters of the Z85 alphabet (for error messages
    /// that point at the offending character).
    public static func isAlphabetCharacter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return isAlphabet[Int(ascii)]
    }

    /// The Z85 text of `bytes`; `nil` unless the length is a multiple of 4.
    public static func encode(_ bytes: [UInt8]) -> String? {
        guard bytes.count % 4 == 0 else { return nil }
        return LibZMQ.z85Encode(bytes)
    }

    /// The bytes of Z85 `text`; `nil` unless its length is a multiple of 5 and every character is Z85.
    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 5 == 0, utf8.allSatisfy({ isAlphabet[Int($0)] }) else { return nil }
        // Five characters can name values above 2^32 - 1 ("%nSc0" is the largest valid group).
        for start in stride(from: 0, to: utf8.count, by: 5) {
            var value: UInt64 = 0
            for byte in utf8[start..<start + 5] {
                guard let digit = alphabet.firstIndex(of: byte) else { return nil }
                value = value * 85 + UInt64(digit)
            }
            guard value <= UInt64(UInt32.max) else { return nil }
        }
        return LibZMQ.z85Decode(text, expectedCount: utf8.count / 5 * 4)
    }
}
