/// The tags and primitive layouts of the compact binary encoding behind `WireBinaryEncoder` and
/// `WireBinaryDecoder`.
///
/// Every value starts with a one-byte tag. Integers are LEB128 varints (signed ones zigzagged),
/// floating point is little-endian IEEE 754, strings are a varint byte count then UTF-8, arrays
/// and maps a 4-byte little-endian element count then their elements; a map entry is its key
/// (varint length + UTF-8, no tag) then its value. Keys are written by name, so optional fields
/// may be absent and fields may be added without breaking older readers.
enum BinaryTag: UInt8 {
    case null = 0
    case falseValue = 1
    case trueValue = 2
    case signed = 3
    case unsigned = 4
    case double = 5
    case float = 6
    case string = 7
    case array = 8
    case map = 9
}

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        append(UInt8(truncatingIfNeeded: v))
    }

    @inline(__always)
    mutating func appendUInt32(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 24))
    }

    @inline(__always)
    mutating func appendUInt64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    @inline(__always)
    mutating func appendString(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            appendVarint(UInt64(utf8.count))
            append(contentsOf: utf8)
        }
    }

    /// Overwrites the 4-byte count at `offset`.
    @inline(__always)
    mutating func storeUInt32(_ value: UInt32, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value)
        self[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset + 2] = UInt8(truncatingIfNeeded: value >> 16)
        self[offset + 3] = UInt8(truncatingIfNeeded: value >> 24)
    }
}

@inline(__always)
func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

@inline(__always)
func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }
