import Coordinator
import Logging
import Synchronization

/// A log handler that counts the coordinator's "loop was busy" notices (the sign that one loop
/// turn stalled workers and clients) and passes warnings and worse to standard error, so a
/// benchmark can say whether any request or background slice blocked the loop.
public struct BusyNoticeCounter: LogHandler {
    private let storage: Storage
    private var forward: StreamLogHandler

    /// Shared by every copy of the handler (Logger copies its handler).
    public final class Storage: Sendable {
        let count = Mutex(0)
        /// Busy notices logged so far.
        public var notices: Int { count.withLock { $0 } }
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .notice

    public init(label: String, storage: Storage) {
        self.storage = storage
        forward = StreamLogHandler.standardError(label: label)
        forward.logLevel = .warning
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        if event.message.description.hasPrefix(CoordinatorService.busyLoopNotice) { storage.count.withLock { $0 += 1 } }
        if event.level >= .warning { forward.log(event: event) }
    }

    /// A logger whose busy notices are counted in the returned storage.
    public static func logger(label: String) -> (Logger, Storage) {
        let storage = Storage()
        return (Logger(label: label) { BusyNoticeCounter(label: $0, storage: storage) }, storage)
    }
}
