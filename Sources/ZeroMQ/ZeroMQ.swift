/// The safe Swift face of libzmq. Every `zmq_*` call of the project lives in this module, in
/// `Internals/LibZMQ.swift`.
public enum ZeroMQ {
    /// The linked libzmq's version, e.g. `(4, 3, 4)` (`zmq_version`).
    public static var version: (major: Int, minor: Int, patch: Int) { LibZMQ.version() }

    /// Whether libzmq was built with `capability`, e.g. `"curve"`, `"ipc"` (`zmq_has`).
    public static func has(_ capability: String) -> Bool { LibZMQ.has(capability) }
}
