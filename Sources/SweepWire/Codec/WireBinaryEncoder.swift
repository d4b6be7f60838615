/// Encodes any `Encodable` value into the compact binary format described in `BinaryFormat.swift`.
///
/// Chosen over `JSONEncoder` because per-job messages are on the hot path (see docs/PROTOCOL.md for
/// the measured figures). Containers must be filled in order: writing to a container after a
/// sibling or child container was written fails with `EncodingError.invalidValue` instead of
/// producing a corrupt message.
public struct WireBinaryEncoder: Sendable {
    public init() {}

    /// The encoding of `value`.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        try encode(value, appendingTo: &bytes)
        return bytes
    }

    /// Appends the encoding of `value` to `bytes`.
    public func encode<T: Encodable>(_ value: T, appendingTo bytes: inout [UInt8]) throws {
        let writer = BinaryWriter(bytes: bytes)
        bytes = []
        defer { swap(&bytes, &writer.bytes) }
        try writer.writeValue(value, codingPath: [])
    }
}

/// The growing output buffer shared by every encoder and container of one `encode` call.
final class BinaryWriter {
    /// Exclusivity is not checked at run time: one `encode` call owns the writer, on one thread,
    /// and no access to `bytes` overlaps another (each append completes before the next starts).
    @exclusivity(unchecked) var bytes: [UInt8]

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// Writes one value of any type, using the primitive writers where the type is known.
    /// Coding paths are not tracked while encoding: only this module's own types are encoded.
    func writeValue<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        if T.self == String.self, let v = value as? String { writeString(v); return }
        if T.self == Int.self, let v = value as? Int { writeSigned(Int64(v)); return }
        if T.self == Double.self, let v = value as? Double { writeDouble(v); return }
        let start = bytes.count
        let encoder = BinaryValueEncoder(writer: self, codingPath: codingPath)
        try value.encode(to: encoder)
        if bytes.count == start {
            // A value that wrote nothing (an empty struct) reads back as an empty map.
            bytes.append(BinaryTag.map.rawValue)
            bytes.appendUInt32(0)
        }
    }

    @inline(__always) func writeNil() { bytes.append(BinaryTag.null.rawValue) }
    @inline(__always) func writeBool(_ v: Bool) { bytes.append(v ? BinaryTag.trueValue.rawValue : BinaryTag.falseValue.rawValue) }
    @inline(__always) func writeSigned(_ v: Int64) { bytes.append(BinaryTag.signed.rawValue); bytes.appendVarint(zigzag(v)) }
    @inline(__always) func writeUnsigned(_ v: UInt64) { bytes.append(BinaryTag.unsigned.rawValue); bytes.appendVarint(v) }
    @inline(__always) func writeDouble(_ v: Double) { bytes.append(BinaryTag.double.rawValue); bytes.appendUInt64(v.bitPattern) }
    @inline(__always) func writeFloat(_ v: Float) { bytes.append(BinaryTag.float.rawValue); bytes.appendUInt32(v.bitPattern) }
    @inline(__always) func writeString(_ v: String) { bytes.append(BinaryTag.string.rawValue); bytes.appendString(v) }
}

/// Where one container's element count lives and where its last element ended.
final class ContainerState {
    let countOffset: Int
    var count: UInt32 = 0
    var end: Int
    /// Set after `superEncoder()`, whose value ends where the next element starts.
    var skipNextCheck = false

    init(countOffset: Int, end: Int) {
        self.countOffset = countOffset
        self.end = end
    }
}

/// The `Encoder` handed to one value's `encode(to:)`.
final class BinaryValueEncoder: Encoder {
    let writer: BinaryWriter
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    private var state: ContainerState?

    init(writer: BinaryWriter, codingPath: [any CodingKey]) {
        self.writer = writer
        self.codingPath = codingPath
    }

    private func openContainer(_ tag: BinaryTag) -> ContainerState {
        if let state { return state }
        writer.bytes.append(tag.rawValue)
        let offset = writer.bytes.count
        writer.bytes.appendUInt32(0)
        let state = ContainerState(countOffset: offset, end: writer.bytes.count)
        self.state = state
        return state
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(BinaryKeyedEncodingContainer<Key>(
            writer: writer, state: openContainer(.map), codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        BinaryUnkeyedEncodingContainer(writer: writer, state: openContainer(.array), codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        BinarySingleValueEncodingContainer(writer: writer, codingPath: codingPath)
    }
}

/// Checks that a container is appended to only at its own end, then counts the new element.
@inline(__always)
private func appendElement(
    _ state: ContainerState, _ writer: BinaryWriter, codingPath: [any CodingKey], _ write: () throws -> Void
) throws {
    guard writer.bytes.count == state.end || state.skipNextCheck else {
        throw EncodingError.invalidValue(
            0, EncodingError.Context(codingPath: codingPath, debugDescription: "containers written out of order"))
    }
    state.skipNextCheck = false
    try write()
    state.count += 1
    writer.bytes.storeUInt32(state.count, at: state.countOffset)
    state.end = writer.bytes.count
}

struct BinaryKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: BinaryWriter
    let state: ContainerState
    let codingPath: [any CodingKey]

    private func entry(_ key: Key, _ write: () throws -> Void) throws {
        try appendElement(state, writer, codingPath: codingPath) {
            writer.bytes.appendString(key.stringValue)
            try write()
        }
    }

    mutating func encodeNil(forKey key: Key) throws { try entry(key) { writer.writeNil() } }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try entry(key) { writer.writeBool(value) } }
    mutating func encode(_ value: String, forKey key: Key) throws { try entry(key) { writer.writeString(value) } }
    mutating func encode(_ value: Double, forKey key: Key) throws { try entry(key) { writer.writeDouble(value) } }
    mutating func encode(_ value: Float, forKey key: Key) throws { try entry(key) { writer.writeFloat(value) } }
    mutating func encode(_ value: Int, forKey key: Key) throws { try entry(key) { writer.writeSigned(Int64(value)) } }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try entry(key) { writer.writeSigned(Int64(value)) } }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try entry(key) { writer.writeSigned(Int64(value)) } }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try entry(key) { writer.writeSigned(Int64(value)) } }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try entry(key) { writer.writeSigned(value) } }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try entry(key) { writer.writeUnsigned(UInt64(value)) } }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try entry(key) { writer.writeUnsigned(UInt64(value)) } }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try entry(key) { writer.writeUnsigned(UInt64(value)) } }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try entry(key) { writer.writeUnsigned(UInt64(value)) } }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try entry(key) { writer.writeUnsigned(value) } }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try entry(key) { try writer.writeValue(value, codingPath: codingPath) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let encoder = BinaryValueEncoder(writer: writer, codingPath: codingPath)
        var nested: KeyedEncodingContainer<NestedKey>?
        // Opening a container cannot fail; an out-of-order write is reported by the next encode.
        try? entry(key) { nested = encoder.container(keyedBy: keyType) }
        return nested ?? encoder.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let encoder = BinaryValueEncoder(writer: writer, codingPath: codingPath)
        var nested: (any UnkeyedEncodingContainer)?
        try? entry(key) { nested = encoder.unkeyedContainer() }
        return nested ?? encoder.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { superEntry(named: "super") }

    mutating func superEncoder(forKey key: Key) -> any Encoder { superEntry(named: key.stringValue) }

    /// Writes the key now; the returned encoder writes the entry's value inline. The order check
    /// is skipped once, since the super value's end is unknown until the next write.
    private func superEntry(named name: String) -> any Encoder {
        writer.bytes.appendString(name)
        state.count += 1
        writer.bytes.storeUInt32(state.count, at: state.countOffset)
        state.skipNextCheck = true
        return BinaryValueEncoder(writer: writer, codingPath: codingPath)
    }
}

struct BinaryUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let writer: BinaryWriter
    let state: ContainerState
    let codingPath: [any CodingKey]
    var count: Int { Int(state.count) }

    private func element(_ write: () throws -> Void) throws {
        try appendElement(state, writer, codingPath: codingPath, write)
    }

    mutating func encodeNil() throws { try element { writer.writeNil() } }
    mutating func encode(_ value: Bool) throws { try element { writer.writeBool(value) } }
    mutating func encode(_ value: String) throws { try element { writer.writeString(value) } }
    mutating func encode(_ value: Double) throws { try element { writer.writeDouble(value) } }
    mutating func encode(_ value: Float) throws { try element { writer.writeFloat(value) } }
    mutating func encode(_ value: Int) throws { try element { writer.writeSigned(Int64(value)) } }
    mutating func encode(_ value: Int8) throws { try element { writer.writeSigned(Int64(value)) } }
    mutating func encode(_ value: Int16) throws { try element { writer.writeSigned(Int64(value)) } }
    mutating func encode(_ value: Int32) throws { try element { writer.writeSigned(Int64(value)) } }
    mutating func encode(_ value: Int64) throws { try element { writer.writeSigned(value) } }
    mutating func encode(_ value: UInt) throws { try element { writer.writeUnsigned(UInt64(value)) } }
    mutating func encode(_ value: UInt8) throws { try element { writer.writeUnsigned(UInt64(value)) } }
    mutating func encode(_ value: UInt16) throws { try element { writer.writeUnsigned(UInt64(value)) } }
    mutating func encode(_ value: UInt32) throws { try element { writer.writeUnsigned(UInt64(value)) } }
    mutating func encode(_ value: UInt64) throws { try element { writer.writeUnsigned(value) } }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try element { try writer.writeValue(value, codingPath: codingPath) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let encoder = BinaryValueEncoder(writer: writer, codingPath: codingPath)
        var nested: KeyedEncodingContainer<NestedKey>?
        try? element { nested = encoder.container(keyedBy: keyType) }
        return nested ?? encoder.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let encoder = BinaryValueEncoder(writer: writer, codingPath: codingPath)
        var nested: (any UnkeyedEncodingContainer)?
        try? element { nested = encoder.unkeyedContainer() }
        return nested ?? encoder.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        state.count += 1
        writer.bytes.storeUInt32(state.count, at: state.countOffset)
        state.skipNextCheck = true
        return BinaryValueEncoder(writer: writer, codingPath: codingPath)
    }
}

struct BinarySingleValueEncodingContainer: SingleValueEncodingContainer {
    let writer: BinaryWriter
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { writer.writeNil() }
    mutating func encode(_ value: Bool) throws { writer.writeBool(value) }
    mutating func encode(_ value: String) throws { writer.writeString(value) }
    mutating func encode(_ value: Double) throws { writer.writeDouble(value) }
    mutating func encode(_ value: Float) throws { writer.writeFloat(value) }
    mutating func encode(_ value: Int) throws { writer.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int8) throws { writer.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int16) throws { writer.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int32) throws { writer.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int64) throws { writer.writeSigned(value) }
    mutating func encode(_ value: UInt) throws { writer.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { writer.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { writer.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { writer.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { writer.writeUnsigned(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try writer.writeValue(value, codingPath: codingPath) }
}

/// A coding key for an array position, used in coding paths of errors.
struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "[\(intValue ?? 0)]" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

/// A coding key for a name known only at run time (dictionary keys, `super`).
struct NameKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
