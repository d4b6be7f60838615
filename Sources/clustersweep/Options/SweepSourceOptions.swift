import ArgumentParser
import LocalCluster
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

    /// A sweep's record and jobs. With a coordinator the sweep must be named; a state file with
    /// one sweep needs no name.
    func jobs(_ sweep: String?) throws -> ClientReply.Report {
        if let state {
            return try read(state) { reader throws(StateFileReader.Failure) in try reader.jobs(sweep) }
        }
        guard let sweep else { throw CommandFailure("name the sweep (SWEEP) when reading from a coordinator, or give --state FILE") }
        return try connection.call { client throws(SweepClientError) in try client.report(SweepID(rawValue: sweep)) }
    }

    private func read<T>(_ path: String, _ body: (StateFileReader) throws(StateFileReader.Failure) -> T) throws -> T {
        do {
            return try body(try StateFileReader(path: path))
        } catch {
            throw CommandFailure(error.description)
        }
    }
}
