import Foundation

/// A libzmq context: owns the I/O threads and creates sockets. Share one per process.
///
/// Thread safety: libzmq documents contexts as thread-safe (`zmq_ctx_new`, `zmq_socket`,
/// `zmq_ctx_shutdown` may be called from any thread), the handle is immutable after `init`, and
/// the only mutable state (`terminated`) is guarded by `lock`. That is the proof for
/// `@unchecked Sendable`.
///
/// Lifetime: every socket keeps its context alive, so `deinit` (which calls `zmq_ctx_term`) runs
/// only after every socket is closed and cannot block. To stop socket threads blocked in a
/// receive, call `shutdown()`: their calls fail with `ZMQError.contextTerminated`, they close
/// their sockets and return. Globals are never deinitialised, so a process that keeps its context
/// in one should call `terminate()` itself before `exit`.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    private let lock = NSLock()
    private var terminated = false

    /// A new context (`zmq_ctx_new`).
    public init() throws(ZMQError) {
        handle = try LibZMQ.contextNew()
    }

    /// A new socket of `type`, with `ZMQ_LINGER` set to `linger` milliseconds so closing never
    /// hangs on an absent peer. The socket belongs to the calling thread from now on.
    public func socket(_ type: ZMQSocketType, linger: Int32 = 0) throws(ZMQError) -> ZMQSocket {
        try ZMQSocket(context: self, type: type, linger: linger)
    }

    /// Makes every blocking call on this context's sockets fail with `.contextTerminated`
    /// (`zmq_ctx_shutdown`). Idempotent; returns at once.
    public func shutdown() {
        lock.lock()
        defer { lock.unlock() }
        guard !terminated else { return }
        LibZMQ.contextShutdown(handle)
    }

    /// Shuts the context down and waits until every socket is closed (`zmq_ctx_term`). Call it
    /// from a thread that owns no open socket of this context. Idempotent.
    public func terminate() {
        lock.lock()
        let alreadyDone = terminated
        terminated = true
        lock.unlock()
        guard !alreadyDone else { return }
        LibZMQ.contextShutdown(handle)
        LibZMQ.contextTerminate(handle)
    }

    deinit {
        if !terminated { LibZMQ.contextTerminate(handle) }
    }
}
