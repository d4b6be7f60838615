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

    /// Appends the whole of `other`, copied by the kernel (`sendfile(2)`): the jobs of a
    /// million-job report.json are 200 MB that need not pass through this process.
    func append(contentsOf other: PartFile) throws(ReportError) {
        let size: off_t
        do {
            size = off_t(try other.handle.seekToEnd())
        } catch {
            throw .writeFailed(path: other.url.path, underlying: error)
        }
        var offset: off_t = 0
        while offset < size {
            let copied = sendfile(handle.fileDescriptor, other.handle.fileDescriptor, &offset, Int(min(size - offset, 1 << 30)))
            if copied < 0 && errno == EINTR { continue }
            guard copied > 0 else {
                throw .writeFailed(path: url.path, underlying: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
            }
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
