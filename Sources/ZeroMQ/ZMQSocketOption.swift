import CZeroMQ

/// A socket option with its typed value; `ZMQSocket.set(_:)` applies it with `zmq_setsockopt`.
///
/// Durations are in milliseconds as libzmq takes them (`-1` means infinite where libzmq allows it).
public enum ZMQSocketOption: Sendable, Hashable {
    /// `ZMQ_LINGER`: how long `close` may wait to flush pending messages (0 drops them, -1 waits forever).
    case linger(milliseconds: Int32)
    /// `ZMQ_ROUTING_ID`: the identity a ROUTER peer sees for this socket (1...255 bytes, not starting with 0).
    case routingID([UInt8])
    /// `ZMQ_SNDHWM`: messages queued per peer before sends block or drop (0 = unlimited).
    case sendHighWaterMark(Int32)
    /// `ZMQ_RCVHWM`: messages queued per peer on receive (0 = unlimited).
    case receiveHighWaterMark(Int32)
    /// `ZMQ_RCVTIMEO`: a blocking receive fails with `.wouldBlock` after this long (-1 = forever).
    case receiveTimeout(milliseconds: Int32)
    /// `ZMQ_SNDTIMEO`: a blocking send fails with `.wouldBlock` after this long (-1 = forever).
    case sendTimeout(milliseconds: Int32)
    /// `ZMQ_MAXMSGSIZE`: a peer sending a frame larger than this many bytes is disconnected (-1 = no limit).
    case maxMessageSize(Int64)
    /// `ZMQ_ROUTER_MANDATORY`: a ROUTER send to an unknown peer fails with `.hostUnreachable` instead of dropping.
    case routerMandatory(Bool)
    /// `ZMQ_ROUTER_HANDOVER`: a new connection with an already-used routing id takes it over.
    case routerHandover(Bool)
    /// `ZMQ_IMMEDIATE`: queue messages only to completed connections.
    case immediate(Bool)
    /// `ZMQ_RECONNECT_IVL`: first reconnect delay.
    case reconnectInterval(milliseconds: Int32)
    /// `ZMQ_RECONNECT_IVL_MAX`: reconnect delay cap for exponential backoff (0 = no backoff).
    case reconnectIntervalMax(milliseconds: Int32)
    /// `ZMQ_CONNECT_TIMEOUT`: a TCP connect attempt is abandoned after this long (0 = OS default).
    case connectTimeout(milliseconds: Int32)
    /// `ZMQ_HANDSHAKE_IVL`: a ZMTP handshake (CURVE included) must finish within this time.
    case handshakeInterval(milliseconds: Int32)
    /// `ZMQ_HEARTBEAT_IVL`: send ZMTP PINGs this often (0 = off).
    case heartbeatInterval(milliseconds: Int32)
    /// `ZMQ_HEARTBEAT_TTL`: tells the peer to time us out after this long without traffic.
    case heartbeatTTL(milliseconds: Int32)
    /// `ZMQ_HEARTBEAT_TIMEOUT`: drop the connection after this long without a PONG.
    case heartbeatTimeout(milliseconds: Int32)
    /// `ZMQ_CURVE_SERVER`: act as a CURVE server (needs `curveSecretKey`).
    case curveServer(Bool)
    /// `ZMQ_CURVE_PUBLICKEY`: this socket's long-term public key (clients).
    case curvePublicKey(CurveKey)
    /// `ZMQ_CURVE_SECRETKEY`: this socket's long-term secret key.
    case curveSecretKey(CurveKey)
    /// `ZMQ_CURVE_SERVERKEY`: the server's public key (clients).
    case curveServerKey(CurveKey)
    /// `ZMQ_ZAP_DOMAIN`: the domain passed to the ZAP handler.
    case zapDomain(String)
    /// `ZMQ_TCP_KEEPALIVE`: `nil` keeps the OS default, otherwise on or off.
    case tcpKeepalive(Bool?)
    /// `ZMQ_TCP_KEEPALIVE_IDLE`: seconds before the first keepalive probe.
    case tcpKeepaliveIdle(seconds: Int32)
    /// `ZMQ_TCP_KEEPALIVE_INTVL`: seconds between keepalive probes.
    case tcpKeepaliveInterval(seconds: Int32)
    /// `ZMQ_TCP_KEEPALIVE_CNT`: unanswered probes before the connection is dropped.
    case tcpKeepaliveCount(Int32)
    /// `ZMQ_SUBSCRIBE`: a SUB socket's topic prefix (empty: everything).
    case subscribe([UInt8])

    /// The libzmq option name and its value as libzmq wants it.
    var encoded: (name: Int32, value: Value) {
        switch self {
        case .linger(let v): (ZMQ_LINGER, .int32(v))
        case .routingID(let v): (ZMQ_ROUTING_ID, .bytes(v))
        case .sendHighWaterMark(let v): (ZMQ_SNDHWM, .int32(v))
        case .receiveHighWaterMark(let v): (ZMQ_RCVHWM, .int32(v))
        case .receiveTimeout(let v): (ZMQ_RCVTIMEO, .int32(v))
        case .sendTimeout(let v): (ZMQ_SNDTIMEO, .int32(v))
        case .maxMessageSize(let v): (ZMQ_MAXMSGSIZE, .int64(v))
        case .routerMandatory(let v): (ZMQ_ROUTER_MANDATORY, .int32(v ? 1 : 0))
        case .routerHandover(let v): (ZMQ_ROUTER_HANDOVER, .int32(v ? 1 : 0))
        case .immediate(let v): (ZMQ_IMMEDIATE, .int32(v ? 1 : 0))
        case .reconnectInterval(let v): (ZMQ_RECONNECT_IVL, .int32(v))
        case .reconnectIntervalMax(let v): (ZMQ_RECONNECT_IVL_MAX, .int32(v))
        case .connectTimeout(let v): (ZMQ_CONNECT_TIMEOUT, .int32(v))
        case .handshakeInterval(let v): (ZMQ_HANDSHAKE_IVL, .int32(v))
        case .heartbeatInterval(let v): (ZMQ_HEARTBEAT_IVL, .int32(v))
        case .heartbeatTTL(let v): (ZMQ_HEARTBEAT_TTL, .int32(v))
        case .heartbeatTimeout(let v): (ZMQ_HEARTBEAT_TIMEOUT, .int32(v))
        case .curveServer(let v): (ZMQ_CURVE_SERVER, .int32(v ? 1 : 0))
        case .curvePublicKey(let k): (ZMQ_CURVE_PUBLICKEY, .bytes(k.bytes))
        case .curveSecretKey(let k): (ZMQ_CURVE_SECRETKEY, .bytes(k.bytes))
        case .curveServerKey(let k): (ZMQ_CURVE_SERVERKEY, .bytes(k.bytes))
        case .zapDomain(let v): (ZMQ_ZAP_DOMAIN, .bytes(Array(v.utf8)))
        case .tcpKeepalive(let v): (ZMQ_TCP_KEEPALIVE, .int32(v.map { $0 ? 1 : 0 } ?? -1))
        case .tcpKeepaliveIdle(let v): (ZMQ_TCP_KEEPALIVE_IDLE, .int32(v))
        case .tcpKeepaliveInterval(let v): (ZMQ_TCP_KEEPALIVE_INTVL, .int32(v))
        case .tcpKeepaliveCount(let v): (ZMQ_TCP_KEEPALIVE_CNT, .int32(v))
        case .subscribe(let v): (ZMQ_SUBSCRIBE, .bytes(v))
        }
    }

    /// An option value in the shape `zmq_setsockopt` takes.
    enum Value {
        case int32(Int32)
        case int64(Int64)
        case bytes([UInt8])
    }
}
