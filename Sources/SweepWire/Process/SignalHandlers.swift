import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// The one way ClusterSweep's processes take a signal instead of dying: the signal's default
/// action is ignored and `handler` runs on a dispatch queue (never inside the signal context, so
/// it may lock, log and allocate). Keep the returned sources alive as long as the handlers should
/// stay installed; dropping them leaves the signals ignored.
public enum SignalHandlers {
    public static func install(
        _ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void
    ) -> [any DispatchSourceSignal] {
        signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }
}
