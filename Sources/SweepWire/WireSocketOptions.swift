import ZeroMQ

/// The socket options each side of the protocol sets, so the limits in `WireProtocol` are
/// enforced by libzmq as well as by the codec.
public enum WireSocketOptions {
    /// The coordinator's ROUTER: drop oversized frames at the transport, fail sends to vanished
    /// peers (`EHOSTUNREACH`) instead of silently dropping them. Add `curveServer(for:)` for CURVE.
    public static let coordinator: [ZMQSocketOption] = [
        .maxMessageSize(Int64(WireProtocol.maxInboundPayloadBytes)),
        .routerMandatory(true),
    ]

    /// A CURVE server's options: the coordinator's secret key and the ZAP domain its handler sees.
    public static func curveServer(secretKey: CurveKey, zapDomain: String = "clustersweep") -> [ZMQSocketOption] {
        [.curveServer(true), .curveSecretKey(secretKey), .zapDomain(zapDomain)]
    }

    /// A worker's DEALER.
    public static func worker(curve: CurveClientKeys?) -> [ZMQSocketOption] {
        [
            .maxMessageSize(Int64(WireProtocol.maxWorkerPayloadBytes)),
            .reconnectInterval(milliseconds: 1000), .reconnectIntervalMax(milliseconds: 32000),
        ] + (curve?.socketOptions ?? [])
    }

    /// A command-line client's DEALER.
    public static func client(curve: CurveClientKeys?) -> [ZMQSocketOption] {
        [.maxMessageSize(Int64(WireProtocol.maxClientReplyBytes))] + (curve?.socketOptions ?? [])
    }
}
