/// The protocol's name, version and size limits: the first frame of every message is
/// `"\(name)/\(version)"`, e.g. `CLUSTERSWEEP/2`.
public enum WireProtocol {
    /// The protocol name in the header frame.
    public static let name = "CLUSTERSWEEP"
    /// The version this build speaks; a peer with another version is refused, never guessed at.
    /// 2: a result's `summary` is the run's outcome without its `config` (docs/PROTOCOL.md).
    public static let version = 2
    /// The header frame's bytes.
    public static let header: [UInt8] = Array("\(name)/\(version)".utf8)

    /// The largest payload a coordinator accepts (16 MiB); also its socket's `ZMQ_MAXMSGSIZE`, so
    /// libzmq drops a larger frame (and its sender's connection) before it is buffered.
    public static let maxInboundPayloadBytes = 16 << 20
    /// The largest payload a worker accepts from the coordinator (16 MiB).
    public static let maxWorkerPayloadBytes = 16 << 20
    /// The largest reply a client accepts (1 GiB): reports of big sweeps come in one message, and
    /// a client only ever talks to a coordinator it chose.
    public static let maxClientReplyBytes = 1 << 30
    /// The most jobs one `assign`, `results`, `failures`, `ack`, `abort` or `released` should
    /// carry; senders split larger batches.
    public static let maxBatch = 1024
    /// The longest message kind name.
    static let maxKindBytes = 64
}
