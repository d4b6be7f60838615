import Foundation

/// A file written in appends beside its final name and moved over it when complete, so a reader
/// never sees half a report (a streamed report.json or report.csv).
final class PartFile {
    let url: URL
    private let handle: FileHandle
    private var closed = false

    init(_ url: URL) throws(ReportError) {
        self.url = url
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw .writeFailed(path: url.path, underlying: CocoaError(.fileWriteUnknown))
        }
        do {
            handle = try FileHandle(forUpdating: url)
        } catch {
            throw .writeFailed(path: url.path, underlying: error)
        }
    }


    deinit {
        if !closed { try? handle.close() }
    }

    func append(_ data: Data) throws(ReportError) {
        guard !data.isEmpty else { return }
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw .writeFailed(path: url.path, underlying: error)
        }
    }

    /// Appends the whole of `other`, read back in chunks of 4 MiB.
    func append(contentsOf other: PartFile) throws(ReportError) {
        do {
            try other.handle.seek(toOffset: 0)
            while let chunk = try other.handle.read(upToCount: 4 << 20), !chunk.isEmpty {
                try append(chunk)
            }
        } catch let error as ReportError {
            throw error
        } catch {
            throw .writeFailed(path: url.path, underlying: error)
        }
    }

    /// Closes the file (its data is in the page cache; like `Data.write(options: .atomic)`,
    /// nothing is forced to disk).
    func close() throws(ReportError) {
        do {
            if !closed { try handle.close() }
            closed = true
        } catch {
            throw .writeFailed(path: url.path, underlying: error)
        }
    }

    /// Renames the part over `destination` (atomic on one file system).
    func move(to destination: URL) throws(ReportError) {
        if rename(url.path, destination.path) != 0 {
            throw .writeFailed(path: destination.path, underlying: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
        }
    }

    func remove() throws(ReportError) {
        do {
            try FileManager.default.removeItem(at: url)
        } catch {
            throw .writeFailed(path: url.path, underlying: error)
        }
    }
}
