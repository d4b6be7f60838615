import Foundation
import SweepModel

/// A worker as the event loop knows it beyond the scheduler: where to reach it (the routing id of
/// its latest connection), what it said in its hello, and the protocol's flow-control count.
struct WorkerConnection: Sendable {
    /// The ROUTER routing id of the connection that sent the latest hello.
    var route: [UInt8]
    var host: String
    var pid: Int
    var slots: Int
    var softwareVersion: String
    var kernelFamily: String?
    var connectedAt: Date
    var lastSeen: Date
    var lastActivity: MonotonicInstant
    /// Jobs put in `assign` messages since the last `welcome`: the protocol's `sent`, compared
    /// with the `received` of the worker's `ready`.
    var assigned = 0
    /// Results recorded from this worker since it connected.
    var completed = 0
}
