import Foundation
import Testing
@testable import SweepModel

/// The one rule that resolves what a user types into a sweep.
@Suite struct SweepReferenceTests {
    func record(_ id: String, _ name: String) -> SweepRecord {
        SweepRecord(
            id: SweepID(rawValue: id), name: name, sourceText: "", sourceName: "\(name).yaml", maxAttempts: 1,
            jobTimeoutSeconds: 1, createdAt: Date(timeIntervalSince1970: 0))
    }

    @Test func fullIdBeatsPrefix_prefixBeatsName_andAmbiguityIsSaid() {
        let a = record("abc123", "dims")
        let b = record("abd456", "dims")
        let c = record("ffff00", "abc")
        let sweeps = [a, b, c]
        #expect(SweepReference("abc123").resolve(among: sweeps) == .found(a))
        #expect(SweepReference("  ABC1 ").resolve(among: sweeps) == .found(a))
        #expect(SweepReference("ab").resolve(among: sweeps) == .ambiguous([a, b]))
        // `abc` is a prefix of a's id and c's name: the prefix wins.
        #expect(SweepReference("abc").resolve(among: sweeps) == .found(a))
        #expect(SweepReference("dims").resolve(among: sweeps) == .ambiguous([a, b]))
        #expect(SweepReference("nope").resolve(among: sweeps) == .notFound)
        #expect(SweepReference("   ").resolve(among: sweeps) == .notFound)
    }
}
