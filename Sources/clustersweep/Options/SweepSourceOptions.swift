import ArgumentParser
import Foundation
import LocalCluster
import Reporting
import SweepModel
import SweepWire

/// Where a reading command gets its data: a running coordinator (the connection options), or a
/// state file read offline with `--state FILE` (also beside a live coordinator).
struct SweepSourceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Read this state file offline instead of asking a coordinator.", valueName: "file"))
    var state: String?

    @OptionGroup var connection: CoordinatorConnectionOptions

    /// Status of one sweep or of all, from the state file or the coordinator.
    func status(_ sweep: String?) throws -> ClientReply.Status {
        if let state {
            return try read(state) { reader throws(StateFileReader.Failure) in try reader.status(sweep) }
        }
        return try connection.call { client throws(SweepClientError) in try client.status(sweep.map(SweepID.init(rawValue:))) }
    }

    /// Calls `body` with each listing of a sweep's jobs that `include` keeps, in plan order, read
    /// page by page (as a report is): nothing holds the whole sweep.
    func forEachListing(
        _ sweep: String?, include: (ReportRow) -> Bool, _ body: (JobListing) throws -> Void
    ) throws {
        var parameters = RowParameters()
        try pages(sweep) { page in
            for row in page.rows where include(row) {
                try body(try JobListing(row: row, parameters: try parameters.parameters(of: row, in: page)))
            }
        }
    }

    /// Calls `body` with every page of the sweep's jobs, from the state file or the coordinator.
    private func pages(_ sweep: String?, _ body: (ReportRowsPage) throws -> Void) throws {
        let read: (Int) throws -> ReportRowsPage
        if let state {
            let (reader, record) = try self.read(state) { reader throws(StateFileReader.Failure) in (reader, try reader.sweep(sweep)) }
            read = { from in
                do {
                    return try reader.reportPage(record.id, from: from, limit: ClientRequest.ReportPage.maxLimit)
                } catch {
                    throw CommandFailure("\(error)")
                }
            }
        } else {
            guard let sweep else { throw CommandFailure("name the sweep (SWEEP) when reading from a coordinator, or give --state FILE") }
            let client = try connection.makeClient()
            read = { from in
                do {
                    return try client.reportPage(SweepID(rawValue: sweep), from: from).page
                } catch {
                    throw CommandFailure("\(error)")
                }
            }
        }
        var from = 0
        while true {
            let page = try read(from)
            do {
                try body(page)
            } catch let error as ReportError {
                throw CommandFailure(error.description)
            }
            guard page.more, !page.rows.isEmpty else { return }
            from = page.next
        }
    }

    /// Writes the report of a sweep into `directory`, reading its jobs page by page from the
    /// state file or the coordinator (`ReportStream`), a page ahead on a thread of their own:
    /// bounded memory whatever the sweep's size.
    func writeReport(_ sweep: String?, to directory: URL) throws -> ReportStream.Outcome {
        if let state {
            let record = try read(state) { reader throws(StateFileReader.Failure) in try reader.sweep(sweep) }
            return try Self.stream(to: directory) {
                let reader = try StateFileReader(path: state)
                return { from, limit in (record, try reader.reportPage(record.id, from: from, limit: limit)) }
            }
        }
        guard let sweep else { throw CommandFailure("name the sweep (SWEEP) when reading from a coordinator, or give --state FILE") }
        let endpoint = connection.endpointText, timeout = connection.timeout
        let keys: CurveClientKeys?
        do {
            keys = try connection.curve.keys()
        } catch {
            throw CommandFailure("\(error)")
        }
        return try Self.stream(to: directory) {
            let client = try SweepClient(endpoint: endpoint, timeoutSeconds: timeout, curve: keys)
            return { from, limit in
                let reply = try client.reportPage(SweepID(rawValue: sweep), from: from, limit: limit)
                return (reply.sweep, reply.page)
            }
        }
    }

    /// `ReportStream.write`, its failures in words: a reader's own (a refused request, a store
    /// error) as it says it, a file that cannot be written with the directory's name.
    private static func stream(
        to directory: URL, makeReader: @escaping @Sendable () throws -> ReportStream.PageReader
    ) throws -> ReportStream.Outcome {
        do throws(ReportError) {
            return try ReportStream.write(to: directory, prefetching: makeReader)
        } catch .readFailed(let underlying) {
            throw CommandFailure("\(underlying)")
        } catch {
            throw CommandFailure("cannot write the report to \(directory.path): \(error)")
        }
    }

    private func read<T>(_ path: String, _ body: (StateFileReader) throws(StateFileReader.Failure) -> T) throws -> T {
        do {
            return try body(try StateFileReader(path: path))
        } catch {
            throw CommandFailure(error.description)
        }
    }
}
