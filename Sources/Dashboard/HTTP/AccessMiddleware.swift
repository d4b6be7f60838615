import Foundation
import Hummingbird

/// Guards every route: HTTP basic auth when credentials are configured (401 with a
/// `WWW-Authenticate` challenge otherwise), and for the one state-changing request (POST, the
/// Cancel button) an `Origin` that matches the page's host, so another site cannot post to it.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let credentials: BasicAuthCredentials?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let credentials, !credentials.accepts(authorization: request.headers[.authorization]) {
            return Response(
                status: .unauthorized,
                headers: [.wwwAuthenticate: "Basic realm=\"clustersweep dashboard\", charset=\"UTF-8\"", .contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "authentication required\n")))
        }
        if request.method == .post, !Self.sameOrigin(request) {
            return Response(
                status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "cross-origin request refused\n")))
        }
        return try await next(request, context)
    }

    /// A POST without `Origin` (curl, scripts) passes; a browser's must name this host.
    static func sameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers.first(where: { $0.name.canonicalName == "origin" })?.value else { return true }
        guard let authority = request.head.authority, let url = URL(string: origin), let host = url.host else { return false }
        let port = url.port.map { ":\($0)" } ?? ""
        let originAuthority = (host.contains(":") ? "[\(host)]" : host) + port
        return originAuthority.lowercased() == authority.lowercased()
    }
}
