import CZeroMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every `zmq_*` call of the project, each behind `check`, which turns `-1` into `ZMQError`,
/// retries `EINTR`, and passes `ETERM` on as `ZMQError.contextTerminated` (the shutdown signal
/// socket loops end on). Handles are raw pointers here and nowhere outside this module.
enum LibZMQ {
    // MARK: - The one error helper

    /// Runs `body` until it returns something other than `-1` or fails with something other than `EINTR`.
    @inline(__always)
    static func check(_ body: () -> Int32) throws(ZMQError) -> Int32 {
        while true {
            let result = body()
            if result != -1 { return result }
            let code = zmq_errno()
            if code == EINTR { continue }
            throw ZMQError(code: code)
        }
    }

    /// `check` for calls that return a handle or `NULL`.
    @inline(__always)
    static func checkHandle(_ body: () -> UnsafeMutableRawPointer?) throws(ZMQError) -> UnsafeMutableRawPointer {
        while true {
            if let handle = body() { return handle }
            let code = zmq_errno()
            if code == EINTR { continue }
            throw ZMQError(code: code)
        }
    }

    // MARK: - Library

    static func version() -> (major: Int, minor: Int, patch: Int) {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return (Int(major), Int(minor), Int(patch))
    }

    static func has(_ capability: String) -> Bool { zmq_has(capability) == 1 }

    static func errorText(_ code: Int32) -> String {
        guard let text = zmq_strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    // MARK: - Context

    static func contextNew() throws(ZMQError) -> UnsafeMutableRawPointer {
        try checkHandle { zmq_ctx_new() }
    }

    static func contextShutdown(_ context: UnsafeMutableRawPointer) {
        _ = zmq_ctx_shutdown(context)
    }

    /// `zmq_ctx_term`, retried on `EINTR`; blocks until every socket of the context is closed.
    static func contextTerminate(_ context: UnsafeMutableRawPointer) {
        _ = try? check { zmq_ctx_term(context) }
    }

    // MARK: - Socket

    static func socketNew(_ context: UnsafeMutableRawPointer, type: Int32) throws(ZMQError) -> UnsafeMutableRawPointer {
        try checkHandle { zmq_socket(context, type) }
    }

    static func socketClose(_ socket: UnsafeMutableRawPointer) {
        _ = zmq_close(socket)
    }

    static func setOption(_ socket: UnsafeMutableRawPointer, name: Int32, value: ZMQSocketOption.Value) throws(ZMQError) {
        switch value {
        case .int32(var v):
            _ = try check { zmq_setsockopt(socket, name, &v, MemoryLayout<Int32>.size) }
        case .int64(var v):
            _ = try check { zmq_setsockopt(socket, name, &v, MemoryLayout<Int64>.size) }
        case .bytes(let bytes):
            _ = try check {
                bytes.withUnsafeBytes { buffer in
                    zmq_setsockopt(socket, name, buffer.baseAddress, buffer.count)
                }
            }
        }
    }

    static func getInt32(_ socket: UnsafeMutableRawPointer, name: Int32) throws(ZMQError) -> Int32 {
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        _ = try check { zmq_getsockopt(socket, name, &value, &size) }
        return value
    }

    static func getInt64(_ socket: UnsafeMutableRawPointer, name: Int32) throws(ZMQError) -> Int64 {
        var value: Int64 = 0
        var size = MemoryLayout<Int64>.size
        _ = try check { zmq_getsockopt(socket, name, &value, &size) }
        return value
    }

    static func getBytes(_ socket: UnsafeMutableRawPointer, name: Int32, capacity: Int = 1024) throws(ZMQError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: capacity)
        var size = capacity
        _ = try check { buffer.withUnsafeMutableBytes { zmq_getsockopt(socket, name, $0.baseAddress, &size) } }
        return Array(buffer.prefix(min(size, capacity)))
    }

    static func lastEndpoint(_ socket: UnsafeMutableRawPointer) throws(ZMQError) -> String {
        var bytes = try getBytes(socket, name: ZMQ_LAST_ENDPOINT)
        while bytes.last == 0 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func bind(_ socket: UnsafeMutableRawPointer, _ endpoint: String) throws(ZMQError) {
        _ = try check { zmq_bind(socket, endpoint) }
    }

    static func unbind(_ socket: UnsafeMutableRawPointer, _ endpoint: String) throws(ZMQError) {
        _ = try check { zmq_unbind(socket, endpoint) }
    }

    static func connect(_ socket: UnsafeMutableRawPointer, _ endpoint: String) throws(ZMQError) {
        _ = try check { zmq_connect(socket, endpoint) }
    }

    static func disconnect(_ socket: UnsafeMutableRawPointer, _ endpoint: String) throws(ZMQError) {
        _ = try check { zmq_disconnect(socket, endpoint) }
    }

    static func socketMonitor(_ socket: UnsafeMutableRawPointer, endpoint: String, events: Int32) throws(ZMQError) {
        _ = try check { zmq_socket_monitor(socket, endpoint, events) }
    }

    // MARK: - Messages

    /// Sends `frames` as one multipart message (`zmq_send`, `ZMQ_SNDMORE` on all but the last).
    /// With `dontWait`, returns `false` when the first frame would block (nothing was sent).
    static func send(_ socket: UnsafeMutableRawPointer, frames: [[UInt8]], dontWait: Bool) throws(ZMQError) -> Bool {
        guard !frames.isEmpty else { throw .invalidArgument }
        var placeholder: UInt8 = 0
        let last = frames.count - 1
        for index in frames.indices {
            var flags: Int32 = index == last ? 0 : ZMQ_SNDMORE
            if dontWait && index == 0 { flags |= ZMQ_DONTWAIT }
            do throws(ZMQError) {
                _ = try check {
                    frames[index].withUnsafeBytes { buffer in
                        if let base = buffer.baseAddress { return zmq_send(socket, base, buffer.count, flags) }
                        // An empty frame: libzmq wants a valid pointer even for zero bytes.
                        return withUnsafeBytes(of: &placeholder) { zmq_send(socket, $0.baseAddress, 0, flags) }
                    }
                }
            } catch {
                if dontWait && index == 0 && error == .wouldBlock { return false }
                throw error
            }
        }
        return true
    }

    /// Receives one whole multipart message into a `zmq_msg_t` that stays at one address for the
    /// whole call (small frames live inside the struct, so it must never be copied bitwise).
    /// Returns `nil` when `dontWait` and nothing is waiting. A message with more than `maxFrames`
    /// frames is read to its end, discarded, and reported as `.messageTooLarge`.
    static func receive(_ socket: UnsafeMutableRawPointer, dontWait: Bool, maxFrames: Int) throws(ZMQError) -> [[UInt8]]? {
        try receive(socket, dontWait: dontWait, maxFrames: maxFrames, readUserID: false)?.frames
    }

    /// `receive`, also reading the ZAP user id the connection was authenticated with
    /// (`zmq_msg_gets(msg, "User-Id")`) from the first frame that carries it; `userID` is `nil`
    /// when not asked for or when the connection has none (no ZAP handler, or an empty user id).
    static func receive(
        _ socket: UnsafeMutableRawPointer, dontWait: Bool, maxFrames: Int, readUserID: Bool
    ) throws(ZMQError) -> (frames: [[UInt8]], userID: String?)? {
        let outcome: Result<(frames: [[UInt8]], userID: String?)?, ZMQError> = withUnsafeTemporaryAllocation(
            of: zmq_msg_t.self, capacity: 1
        ) { buffer in
            guard let message = buffer.baseAddress else { return .failure(.badAddress) }
            zmq_msg_init(message)
            defer { zmq_msg_close(message) }
            var frames: [[UInt8]] = []
            var userID: String?
            var overflow = false
            var received = 0
            repeat {
                let flags: Int32 = received == 0 && dontWait ? ZMQ_DONTWAIT : 0
                do throws(ZMQError) {
                    _ = try check { zmq_msg_recv(message, socket, flags) }
                } catch {
                    if received == 0 && dontWait && error == .wouldBlock { return .success(nil) }
                    return .failure(error)
                }
                received += 1
                // Metadata belongs to the frame just received: read it before the next receive.
                if readUserID && userID == nil { userID = messageUserID(message) }
                if frames.count < maxFrames && !overflow {
                    let size = zmq_msg_size(message)
                    if size == 0 {
                        frames.append([])
                    } else if let data = zmq_msg_data(message) {
                        frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
                    } else {
                        frames.append([])
                    }
                } else {
                    overflow = true
                }
            } while zmq_msg_more(message) == 1
            return overflow ? .failure(.messageTooLarge) : .success((frames, userID))
        }
        return try outcome.get()
    }

    /// The `User-Id` metadata property of a received frame (`zmq_msg_gets`); `nil` if absent or empty.
    private static func messageUserID(_ message: UnsafeMutablePointer<zmq_msg_t>) -> String? {
        guard let text = zmq_msg_gets(message, "User-Id") else { return nil }
        let value = String(cString: text)
        return value.isEmpty ? nil : value
    }

    // MARK: - Poll

    static func poll(_ items: inout [zmq_pollitem_t], timeoutMilliseconds: Int) throws(ZMQError) -> Int32 {
        let count = Int32(items.count)
        return try check { items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, count, timeoutMilliseconds) } }
    }

    static func pollItem(_ socket: UnsafeMutableRawPointer, events: Int16) -> zmq_pollitem_t {
        zmq_pollitem_t(socket: socket, fd: 0, events: events, revents: 0)
    }

    // MARK: - CURVE and Z85

    static func curveKeypair() throws(ZMQError) -> (publicZ85: String, secretZ85: String) {
        var publicText = [CChar](repeating: 0, count: 41)
        var secretText = [CChar](repeating: 0, count: 41)
        _ = try check { zmq_curve_keypair(&publicText, &secretText) }
        return (cString(publicText), cString(secretText))
    }

    static func curvePublic(secretZ85: String) throws(ZMQError) -> String {
        var publicText = [CChar](repeating: 0, count: 41)
        _ = try check { zmq_curve_public(&publicText, secretZ85) }
        return cString(publicText)
    }

    static func z85Encode(_ bytes: [UInt8]) -> String? {
        var text = [CChar](repeating: 0, count: bytes.count / 4 * 5 + 1)
        let ok = bytes.withUnsafeBufferPointer { zmq_z85_encode(&text, $0.baseAddress, $0.count) != nil }
        return ok ? cString(text) : nil
    }

    static func z85Decode(_ text: String, expectedCount: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: max(expectedCount, 1))
        let ok = zmq_z85_decode(&bytes, text) != nil
        return ok ? Array(bytes.prefix(expectedCount)) : nil
    }

    private static func cString(_ chars: [CChar]) -> String {
        let bytes = chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
