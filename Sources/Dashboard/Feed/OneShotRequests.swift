import Foundation
import Reporting
import SweepModel
import SweepWire
import Synchronization

/// Requests an HTTP handler makes once (a report download, a cancel): each runs on a thread of its
/// own with a client of its own (ZeroMQ sockets belong to one thread), so neither the NIO event
/// loops nor the cooperative pool ever wait on ZeroMQ, and the live feed is not held up by a
/// large report. At most `limit` run at once; more are refused as busy.
public final class OneShotRequests: Sendable {
    private let configuration: DashboardConfiguration
    private let running = Atomic<Int>(0)
    private let limit: Int

    public init(configuration: DashboardConfiguration, limit: Int = 2) {
        self.configuration = configuration
        self.limit = limit
    }

    /// Why a one-shot request gave no answer.
    public enum Failure: Error, Sendable {
        case busy
        case client(SweepClientError)
        case report(String)
    }

    /// One file of the current report of `sweep` (`report.json`, `report.html` or `report.csv`),
    /// written as `clustersweep report` writes it (without replayed pictures): page by page into a scratch directory, which
    /// is removed once the file is read.
    public func reportFile(_ sweep: SweepID, named name: String) async throws(Failure) -> [UInt8] {
        try await perform { client throws(Failure) in
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("clustersweep-dashboard-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let outcome: ReportStream.Outcome
            do throws(ReportError) {
                outcome = try ReportStream.write(to: directory, pictures: false) { from, limit in
                    let reply = try client.reportPage(sweep, from: from, limit: limit)
                    return (reply.sweep, reply.page)
                }
            } catch .readFailed(let error as SweepClientError) {
                throw .client(error)
            } catch {
                throw .report("\(error)")
            }
            guard let file = outcome.files.first(where: { $0.lastPathComponent == name }) else {
                throw .report("no report file named \(name)")
            }
            do {
                return Array(try Data(contentsOf: file))
            } catch {
                throw .report("cannot read \(name): \(error)")
            }
        }
    }

    /// Cancels `sweep`.
    public func cancel(_ sweep: SweepID) async throws(Failure) -> ClientReply.Cancelled {
        try await perform { client throws(Failure) in
            do throws(SweepClientError) {
                return try client.cancel(sweep)
            } catch {
                throw .client(error)
            }
        }
    }

    private func perform<T: Sendable>(_ body: @escaping @Sendable (SweepClient) throws(Failure) -> T) async throws(Failure) -> T {
        guard running.add(1, ordering: .relaxed).newValue <= limit else {
            running.subtract(1, ordering: .relaxed)
            throw .busy
        }
        let configuration = configuration
        let result: Result<T, Failure> = await withCheckedContinuation { continuation in
            let thread = Thread {
                let outcome: Result<T, Failure>
                do throws(SweepClientError) {
                    let client = try SweepClient(
                        endpoint: configuration.coordinator, timeoutSeconds: max(configuration.requestTimeoutSeconds, 60),
                        curve: configuration.curve)
                    outcome = Result { () throws(Failure) in try body(client) }
                } catch {
                    outcome = .failure(.client(error))
                }
                continuation.resume(returning: outcome)
            }
            thread.name = "dashboard-request"
            thread.start()
        }
        running.subtract(1, ordering: .relaxed)
        return try result.get()
    }
}
