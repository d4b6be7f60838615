#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes values written by `WireBinaryEncoder`, treating the input as hostile.
///
/// Every read is bounds-checked, element counts are checked against the bytes that remain before
/// anything is allocated, and nesting deeper than `maxDepth` is rejected, so a truncated, random
/// or malicious buffer ends in a `DecodingError`, never a crash or a huge allocation.
public struct WireBinaryDecoder: Sendable {
    /// The deepest nesting of arrays and maps accepted.
    public var maxDepth: Int = 64

    public init() {}

    /// Decodes one `T` that must span all of `bytes[offset...]`.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], offset: Int = 0) throws -> T {
        let input = BinaryInput(bytes: bytes, maxDepth: maxDepth)
        guard offset >= 0, offset <= bytes.count else { throw input.corrupt("start offset out of range", []) }
        let end = try input.skip(offset, depth: 0, codingPath: [])
        guard end == bytes.count else { throw input.corrupt("\(bytes.count - end) trailing bytes", []) }
        return try input.readValue(type, at: offset, codingPath: [])
    }
}

/// The bytes being decoded and the primitive readers over them. Coding paths are passed as
/// autoclosures: they are built only when an error is reported.
final class BinaryInput {
    let bytes: [UInt8]
    let maxDepth: Int

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    typealias Path = () -> [any CodingKey]

    func corrupt(_ reason: String, _ codingPath: [any CodingKey]) -> DecodingError {
        .dataCorrupted(DecodingError.Context(codingPath: codingPath, debugDescription: reason))
    }

    func typeMismatch(_ type: Any.Type, found tag: UInt8, _ codingPath: [any CodingKey]) -> DecodingError {
        .typeMismatch(type, DecodingError.Context(
            codingPath: codingPath, debugDescription: "expected \(type), found tag \(tag)"))
    }

    @inline(__always)
    func tag(at offset: Int, _ path: @autoclosure Path) throws -> UInt8 {
        guard offset < bytes.count else { throw corrupt("truncated at byte \(offset)", path()) }
        return bytes[offset]
    }

    /// A varint starting at `offset`, and the offset after it.
    @inline(__always)
    func varint(at offset: Int, _ path: @autoclosure Path) throws -> (value: UInt64, next: Int) {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var position = offset
        while true {
            guard position < bytes.count else { throw corrupt("truncated varint at byte \(position)", path()) }
            let byte = bytes[position]
            position += 1
            guard shift < 64, !(shift == 63 && byte > 1) else { throw corrupt("varint overflow at byte \(offset)", path()) }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return (result, position) }
            shift += 7
        }
    }

    @inline(__always)
    func fixed(at offset: Int, count: Int, _ path: @autoclosure Path) throws -> UInt64 {
        guard offset >= 0, count <= bytes.count - offset else { throw corrupt("truncated at byte \(offset)", path()) }
        var value: UInt64 = 0
        for index in 0..<count { value |= UInt64(bytes[offset + index]) << UInt64(8 * index) }
        return value
    }

    /// A length-prefixed UTF-8 string (no tag) at `offset`: its byte range.
    @inline(__always)
    func stringRange(at offset: Int, _ path: @autoclosure Path) throws -> Range<Int> {
        let (length, start) = try varint(at: offset, path())
        guard length <= UInt64(bytes.count - start) else { throw corrupt("string longer than message", path()) }
        return start..<(start + Int(length))
    }

    /// Whether the bytes in `range` are exactly `name`'s UTF-8.
    @inline(__always)
    func bytes(in range: Range<Int>, equal name: String) -> Bool {
        var name = name
        return name.withUTF8 { utf8 in
            guard utf8.count == range.count else { return false }
            return bytes.withUnsafeBufferPointer { all in
                guard let base = all.baseAddress, let other = utf8.baseAddress else { return range.isEmpty }
                return memcmp(base + range.lowerBound, other, range.count) == 0
            }
        }
    }

    /// The element count of an array or map at `offset` (after its tag), checked against what remains.
    func count(at offset: Int, bytesPerElement: Int, _ path: @autoclosure Path) throws -> Int {
        let count = Int(try fixed(at: offset, count: 4, path()))
        guard count <= (bytes.count - offset - 4) / bytesPerElement else {
            throw corrupt("count \(count) exceeds the message", path())
        }
        return count
    }

    /// The offset just past the value at `offset`.
    func skip(_ offset: Int, depth: Int, codingPath: @autoclosure Path) throws -> Int {
        guard depth <= maxDepth else { throw corrupt("nesting deeper than \(maxDepth)", codingPath()) }
        let tagByte = try tag(at: offset, codingPath())
        guard let tag = BinaryTag(rawValue: tagByte) else { throw corrupt("unknown tag \(tagByte) at byte \(offset)", codingPath()) }
        switch tag {
        case .null, .falseValue, .trueValue: return offset + 1
        case .signed, .unsigned: return try varint(at: offset + 1, codingPath()).next
        case .double: _ = try fixed(at: offset + 1, count: 8, codingPath()); return offset + 9
        case .float: _ = try fixed(at: offset + 1, count: 4, codingPath()); return offset + 5
        case .string: return try stringRange(at: offset + 1, codingPath()).upperBound
        case .array:
            let count = try count(at: offset + 1, bytesPerElement: 1, codingPath())
            var position = offset + 5
            for _ in 0..<count { position = try skip(position, depth: depth + 1, codingPath: codingPath()) }
            return position
        case .map:
            let count = try count(at: offset + 1, bytesPerElement: 2, codingPath())
            var position = offset + 5
            for _ in 0..<count {
                position = try stringRange(at: position, codingPath()).upperBound
                position = try skip(position, depth: depth + 1, codingPath: codingPath())
            }
            return position
        }
    }

    // MARK: - Primitive values

    func isNil(at offset: Int) -> Bool { offset < bytes.count && bytes[offset] == BinaryTag.null.rawValue }

    func readBool(at offset: Int, _ path: @autoclosure Path) throws -> Bool {
        let found = try tag(at: offset, path())
        switch found {
        case BinaryTag.trueValue.rawValue: return true
        case BinaryTag.falseValue.rawValue: return false
        default: throw typeMismatch(Bool.self, found: found, path())
        }
    }

    func readString(at offset: Int, _ path: @autoclosure Path) throws -> String {
        let found = try tag(at: offset, path())
        guard found == BinaryTag.string.rawValue else { throw typeMismatch(String.self, found: found, path()) }
        let range = try stringRange(at: offset + 1, path())
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    func readDouble(at offset: Int, _ path: @autoclosure Path) throws -> Double {
        let found = try tag(at: offset, path())
        switch found {
        case BinaryTag.double.rawValue: return Double(bitPattern: try fixed(at: offset + 1, count: 8, path()))
        case BinaryTag.float.rawValue: return Double(Float(bitPattern: UInt32(try fixed(at: offset + 1, count: 4, path()))))
        default: throw typeMismatch(Double.self, found: found, path())
        }
    }

    func readFloat(at offset: Int, _ path: @autoclosure Path) throws -> Float {
        let found = try tag(at: offset, path())
        switch found {
        case BinaryTag.float.rawValue: return Float(bitPattern: UInt32(try fixed(at: offset + 1, count: 4, path())))
        case BinaryTag.double.rawValue: return Float(Double(bitPattern: try fixed(at: offset + 1, count: 8, path())))
        default: throw typeMismatch(Float.self, found: found, path())
        }
    }

    func readInteger<T: FixedWidthInteger>(_ type: T.Type, at offset: Int, _ path: @autoclosure Path) throws -> T {
        let found = try tag(at: offset, path())
        let value: T?
        switch found {
        case BinaryTag.signed.rawValue: value = T(exactly: unzigzag(try varint(at: offset + 1, path()).value))
        case BinaryTag.unsigned.rawValue: value = T(exactly: try varint(at: offset + 1, path()).value)
        default: throw typeMismatch(T.self, found: found, path())
        }
        guard let value else { throw corrupt("integer out of range for \(T.self)", path()) }
        return value
    }

    /// Decodes any value, taking the primitive readers for the common leaf types.
    func readValue<T: Decodable>(_ type: T.Type, at offset: Int, codingPath: @autoclosure Path) throws -> T {
        if T.self == String.self, let v = try readString(at: offset, codingPath()) as? T { return v }
        if T.self == Int.self, let v = try readInteger(Int.self, at: offset, codingPath()) as? T { return v }
        if T.self == Double.self, let v = try readDouble(at: offset, codingPath()) as? T { return v }
        let path = codingPath()
        guard path.count <= maxDepth else { throw corrupt("nesting deeper than \(maxDepth)", path) }
        return try T(from: BinaryValueDecoder(input: self, offset: offset, codingPath: path))
    }
}

/// The `Decoder` handed to one value's `init(from:)`.
struct BinaryValueDecoder: Decoder {
    let input: BinaryInput
    let offset: Int
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(try BinaryKeyedDecodingContainer<Key>(input: input, offset: offset, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try BinaryUnkeyedDecodingContainer(input: input, offset: offset, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        BinarySingleValueDecodingContainer(input: input, offset: offset, codingPath: codingPath)
    }
}

struct BinaryKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let input: BinaryInput
    let codingPath: [any CodingKey]
    /// Each entry's key bytes and where its value starts.
    private let entries: [(key: Range<Int>, value: Int)]
    /// Where the next lookup starts: fields are usually read in the order they were written.
    private let cursor = LookupCursor()

    init(input: BinaryInput, offset: Int, codingPath: [any CodingKey]) throws {
        self.input = input
        self.codingPath = codingPath
        let found = try input.tag(at: offset, codingPath)
        guard found == BinaryTag.map.rawValue else { throw input.typeMismatch([String: Any].self, found: found, codingPath) }
        let count = try input.count(at: offset + 1, bytesPerElement: 2, codingPath)
        var entries: [(key: Range<Int>, value: Int)] = []
        entries.reserveCapacity(count)
        var position = offset + 5
        for _ in 0..<count {
            let key = try input.stringRange(at: position, codingPath)
            entries.append((key, key.upperBound))
            position = try input.skip(key.upperBound, depth: codingPath.count + 1, codingPath: codingPath)
        }
        self.entries = entries
    }

    var allKeys: [Key] {
        entries.compactMap { Key(stringValue: String(decoding: input.bytes[$0.key], as: UTF8.self)) }
    }

    private func valueOffset(_ key: Key) -> Int? {
        let name = key.stringValue
        let count = entries.count
        var index = cursor.next < count ? cursor.next : 0
        for _ in 0..<count {
            if input.bytes(in: entries[index].key, equal: name) {
                cursor.next = index + 1
                return entries[index].value
            }
            index = index + 1 == count ? 0 : index + 1
        }
        return nil
    }

    /// One lookup instead of the default's three (`contains`, `decodeNil`, `decode`).
    private func optional<T>(_ key: Key, _ read: (Int) throws -> T) throws -> T? {
        guard let offset = valueOffset(key), !input.isNil(at: offset) else { return nil }
        return try read(offset)
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try optional(key) { try input.readBool(at: $0, codingPath + [key]) }
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try optional(key) { try input.readString(at: $0, codingPath + [key]) }
    }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try optional(key) { try input.readDouble(at: $0, codingPath + [key]) }
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try optional(key) { try input.readInteger(type, at: $0, codingPath + [key]) }
    }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? {
        try optional(key) { try input.readInteger(type, at: $0, codingPath + [key]) }
    }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try optional(key) { try input.readValue(type, at: $0, codingPath: codingPath + [key]) }
    }

    private func require(_ key: Key) throws -> Int {
        guard let offset = valueOffset(key) else {
            throw DecodingError.keyNotFound(key, DecodingError.Context(
                codingPath: codingPath, debugDescription: "missing key '\(key.stringValue)'"))
        }
        return offset
    }

    func contains(_ key: Key) -> Bool { valueOffset(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { input.isNil(at: try require(key)) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try input.readBool(at: try require(key), codingPath + [key]) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try input.readString(at: try require(key), codingPath + [key]) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try input.readDouble(at: try require(key), codingPath + [key]) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try input.readFloat(at: try require(key), codingPath + [key]) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try input.readInteger(type, at: try require(key), codingPath + [key]) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try input.readInteger(type, at: try require(key), codingPath + [key]) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try input.readInteger(type, at: try require(key), codingPath + [key]) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try input.readInteger(type, at: try require(key), codingPath + [key]) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try input.readInteger(type, at: try require(key), codingPath + [key]) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try input.readInteger(type, at: try require(key), codingPath + [key]) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try input.readInteger(type, at: try require(key), codingPath + [key]) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try input.readInteger(type, at: try require(key), codingPath + [key]) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try input.readInteger(type, at: try require(key), codingPath + [key]) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try input.readInteger(type, at: try require(key), codingPath + [key]) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try input.readValue(type, at: try require(key), codingPath: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(try BinaryKeyedDecodingContainer<NestedKey>(input: input, offset: try require(key), codingPath: codingPath + [key]))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try BinaryUnkeyedDecodingContainer(input: input, offset: try require(key), codingPath: codingPath + [key])
    }

    func superDecoder() throws -> any Decoder {
        guard let offset = valueOffset(forName: "super") else {
            throw DecodingError.keyNotFound(NameKey("super"), DecodingError.Context(codingPath: codingPath, debugDescription: "missing super"))
        }
        return BinaryValueDecoder(input: input, offset: offset, codingPath: codingPath + [NameKey("super")])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        BinaryValueDecoder(input: input, offset: try require(key), codingPath: codingPath + [key])
    }

    private func valueOffset(forName name: String) -> Int? {
        entries.first { input.bytes(in: $0.key, equal: name) }?.value
    }
}

struct BinaryUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let input: BinaryInput
    let codingPath: [any CodingKey]
    let count: Int?
    private(set) var currentIndex = 0
    private var position: Int
    var isAtEnd: Bool { currentIndex >= (count ?? 0) }

    init(input: BinaryInput, offset: Int, codingPath: [any CodingKey]) throws {
        self.input = input
        self.codingPath = codingPath
        let found = try input.tag(at: offset, codingPath)
        guard found == BinaryTag.array.rawValue else { throw input.typeMismatch([Any].self, found: found, codingPath) }
        count = try input.count(at: offset + 1, bytesPerElement: 1, codingPath)
        position = offset + 5
    }

    /// Reads the next element with `read` and moves past it.
    private mutating func next<T>(_ read: (BinaryInput, Int, @autoclosure () -> [any CodingKey]) throws -> T) throws -> T {
        let index = currentIndex
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(T.self, DecodingError.Context(
                codingPath: codingPath + [IndexKey(index)], debugDescription: "array ended"))
        }
        let value = try read(input, position, codingPath + [IndexKey(index)])
        position = try input.skip(position, depth: codingPath.count + 1, codingPath: codingPath + [IndexKey(index)])
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, input.isNil(at: position) else { return false }
        position += 1
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next { try $0.readBool(at: $1, $2()) } }
    mutating func decode(_ type: String.Type) throws -> String { try next { try $0.readString(at: $1, $2()) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next { try $0.readDouble(at: $1, $2()) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next { try $0.readFloat(at: $1, $2()) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try next { try $0.readInteger(type, at: $1, $2()) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next { try $0.readInteger(type, at: $1, $2()) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next { try $0.readInteger(type, at: $1, $2()) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next { try $0.readInteger(type, at: $1, $2()) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next { try $0.readInteger(type, at: $1, $2()) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next { try $0.readInteger(type, at: $1, $2()) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next { try $0.readInteger(type, at: $1, $2()) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next { try $0.readInteger(type, at: $1, $2()) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next { try $0.readInteger(type, at: $1, $2()) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next { try $0.readInteger(type, at: $1, $2()) } }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next { try $0.readValue(type, at: $1, codingPath: $2()) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next { KeyedDecodingContainer(try BinaryKeyedDecodingContainer<NestedKey>(input: $0, offset: $1, codingPath: $2())) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next { try BinaryUnkeyedDecodingContainer(input: $0, offset: $1, codingPath: $2()) }
    }

    mutating func superDecoder() throws -> any Decoder {
        try next { BinaryValueDecoder(input: $0, offset: $1, codingPath: $2()) }
    }
}

struct BinarySingleValueDecodingContainer: SingleValueDecodingContainer {
    let input: BinaryInput
    let offset: Int
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { input.isNil(at: offset) }
    func decode(_ type: Bool.Type) throws -> Bool { try input.readBool(at: offset, codingPath) }
    func decode(_ type: String.Type) throws -> String { try input.readString(at: offset, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try input.readDouble(at: offset, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try input.readFloat(at: offset, codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try input.readInteger(type, at: offset, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try input.readInteger(type, at: offset, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try input.readInteger(type, at: offset, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try input.readInteger(type, at: offset, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try input.readInteger(type, at: offset, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try input.readInteger(type, at: offset, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try input.readInteger(type, at: offset, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try input.readInteger(type, at: offset, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try input.readInteger(type, at: offset, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try input.readInteger(type, at: offset, codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try input.readValue(type, at: offset, codingPath: codingPath) }
}

/// The mutable lookup hint of a keyed container (containers themselves are immutable values).
final class LookupCursor {
    var next = 0
}
