import SweepModel

/// The integer a job's text id is indexed by (store format 8, `jobs.id_key`): FNV-1a (64-bit) of
/// the id's UTF-8 bytes, stored as SQLite's signed 64-bit integer.
///
/// Why: a unique index on the 64-character hex id made every new job insert a ~75-byte entry at a
/// random page; an 8-byte key packs about five times as many entries per page, so a planning
/// slice dirties (and writes to the WAL, and checkpoints) that many fewer pages. The key is not
/// unique: every look-up matches the key AND the text id, so a collision costs a comparison, never
/// a wrong row. FNV-1a rather than the hash's first bits because ids need not be SHA-256 hashes
/// (tests and benchmarks count up in the low digits, which a prefix would map to one key); it is
/// part of the file format, so it must never change.
enum JobIDKey {
    static func of(_ id: JobID) -> Int64 { of(id.rawValue) }

    static func of(_ id: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a offset basis
        for byte in id.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }  // FNV prime
        return Int64(bitPattern: hash)
    }
}
