import CZeroMQ

/// The safe Swift face of libzmq. Every `zmq_*` call of the project lives in this module.
public enum ZeroMQ {
    /// The linked libzmq's version, e.g. `(4, 3, 4)`.
    public static var version: (major: Int, minor: Int, patch: Int) {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return (Int(major), Int(minor), Int(patch))
    }
}
