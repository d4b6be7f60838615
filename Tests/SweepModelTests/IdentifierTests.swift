import Foundation
import Testing
@testable import SweepModel

@Test func jobID_encodesAsABareString() throws {
    let data = try JSONEncoder().encode(JobID(rawValue: "abc"))
    #expect(String(decoding: data, as: UTF8.self) == #""abc""#)
}
