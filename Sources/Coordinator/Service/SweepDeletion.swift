import SweepModel

/// A sweep being deleted between loop iterations (`ResultStore.deleteStep`), and who waits for
/// the reply: nobody for a deletion a restarted coordinator resumes.
struct SweepDeletion {
    let sweep: SweepID
    let name: String
    let reply: (route: [UInt8], requestID: UInt64)?
}
