import Foundation
import Synchronization

/// The latest snapshot, shared between the feed thread (the only writer) and HTTP handlers
/// (readers). Readers never wait on the coordinator: they copy what was last published.
public final class DashboardState: Sendable {
    private let latest: Mutex<LiveSnapshot>

    public init(coordinator: String) {
        var first = LiveSnapshot()
        first.coordinator = coordinator
        latest = Mutex(first)
    }

    /// The latest snapshot.
    public var snapshot: LiveSnapshot { latest.withLock { $0 } }

    /// The latest snapshot's version (cheap: no copy of the sweeps).
    public var version: Int { latest.withLock { $0.version } }

    /// Publishes `next` with the following version number.
    func publish(_ next: LiveSnapshot) {
        latest.withLock { current in
            var next = next
            next.version = current.version + 1
            current = next
        }
    }
}
