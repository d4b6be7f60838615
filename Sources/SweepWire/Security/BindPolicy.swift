
/// The rule that keeps a coordinator from being opened to a network without authentication:
/// binding an address other machines can reach requires CURVE, unless the operator says
/// `--insecure` (a trusted, isolated network).
///
/// Without CURVE anyone who can reach the port could submit work, cancel sweeps and read every
/// result. Loopback tcp, `ipc://` (guarded by file permissions) and `inproc://` stay allowed.
public enum BindPolicy {
    /// Throws `SecurityError.insecureBind` for a non-loopback bind without CURVE or `insecure`.
    public static func check(endpoint: Endpoint, curveEnabled: Bool, insecure: Bool) throws(SecurityError) {
        guard !curveEnabled, !insecure, !endpoint.isLocal else { return }
        throw .insecureBind(endpoint: endpoint.description)
    }
}
