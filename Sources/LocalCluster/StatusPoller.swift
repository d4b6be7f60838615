import Foundation
import SweepModel
import SweepWire
import Synchronization

/// A second client that asks a coordinator for `status` every 10 ms on its own thread, recording
/// each round trip and this process's RSS: what the benchmarks of big requests (`bench submit`,
/// `bench retry`) report as the loop's responsiveness meanwhile.
final class StatusPoller: Sendable {
    /// What the poller saw. `marked` are the round trips while `mark` was on.
    struct Samples: Sendable {
        var latencies: [Double] = []
        var marked: [Double] = []
        var peakResidentBytes = 0
        var error: String?

        /// The slowest round trip, in seconds (0 without any).
        var slowest: Double { latencies.max() ?? 0 }
        /// The 99th percentile round trip, in seconds (0 without any).
        var p99: Double {
            let sorted = latencies.sorted()
            return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
        }
    }

    private struct State: Sendable {
        var samples = Samples()
        var marking = false
        var stop = false
    }

    private let state = Mutex(State())

    /// Starts polling `endpoint` at once; `marking` says whether the first round trips count as marked.
    init(endpoint: String, marking: Bool = false) {
        state.withLock { $0.marking = marking }
        let thread = Thread { [self] in
            do {
                let client = try SweepClient(endpoint: endpoint, timeoutSeconds: 30)
                while !state.withLock({ $0.stop }) {
                    let start = ContinuousClock.now
                    _ = try client.status()
                    let seconds = (ContinuousClock.now - start).seconds
                    let rss = ProcessMemory.residentBytes(of: getpid())
                    state.withLock { s in
                        s.samples.latencies.append(seconds)
                        if s.marking { s.samples.marked.append(seconds) }
                        s.samples.peakResidentBytes = max(s.samples.peakResidentBytes, rss)
                    }
                    Thread.sleep(forTimeInterval: 0.01)
                }
            } catch {
                state.withLock { $0.samples.error = "\(error)" }
            }
        }
        thread.start()
    }

    /// Turns marking off (the phase of interest is over).
    func endMarking() { state.withLock { $0.marking = false } }

    /// The polling error, if the poller stopped on one.
    var error: String? { state.withLock { $0.samples.error } }

    /// Stops polling and returns what it saw (the round trip in flight is not waited for).
    func stop() -> Samples {
        state.withLock { $0.stop = true }
        Thread.sleep(forTimeInterval: 0.05)
        return state.withLock { $0.samples }
    }

    /// Stops polling without waiting (for `defer` on every way out; the thread holds the poller
    /// until it sees this).
    func cancel() { state.withLock { $0.stop = true } }
}
