import Foundation
import Hummingbird
import Reporting
import SweepModel
import Synchronization
import SweepWire

/// The dashboard's HTTP routes. Handlers read the latest published snapshot (never the
/// coordinator), except report downloads and Cancel, which go through `OneShotRequests`.
struct DashboardRoutes: Sendable {
    let state: DashboardState
    let metrics: DashboardMetrics
    let requests: OneShotRequests
    /// Set when the server shuts down: event streams end so the shutdown does not wait on them.
    let shuttingDown: ShutdownFlag
    /// Longest life of one event stream; the browser reconnects by itself after it.
    var streamSeconds: Double = 300

    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { request, _ in
            html(DashboardPage.render(state.snapshot, selected: request.uri.queryParameters.get("sweep")))
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        router.get("/api/status") { _, _ in
            guard let status = state.snapshot.status else {
                return text(.serviceUnavailable, "the coordinator has not answered yet\n")
            }
            return json(try Self.encoder.encode(status))
        }
        router.get("/api/snapshot") { request, _ in
            let snapshot = state.snapshot
            let selected = request.uri.queryParameters.get("sweep").flatMap(snapshot.sweep)?.id
            return json(try Self.encoder.encode(snapshot.keepingCharts(of: selected)))
        }
        router.get("/api/events") { request, _ in events(selected: request.uri.queryParameters.get("sweep")) }
        for format in ["json", "html", "csv"] {
            router.get("/api/sweeps/:sweep/report.\(format)") { _, context in
                try await report(context.parameters.get("sweep"), format: format)
            }
        }
        router.get("/sweeps/:sweep/cancel") { _, context in
            guard let sweep = context.parameters.get("sweep").flatMap(state.snapshot.sweep) else {
                return text(.notFound, "no such sweep\n")
            }
            return html(DashboardPage.cancelConfirmation(sweep))
        }
        router.post("/api/sweeps/:sweep/cancel") { _, context in
            guard let sweep = context.parameters.get("sweep").flatMap(state.snapshot.sweep) else {
                return text(.notFound, "no such sweep\n")
            }
            do throws(OneShotRequests.Failure) {
                let cancelled = try await requests.cancel(sweep.id)
                return text(.ok, "sweep '\(sweep.name)' cancelled: \(cancelled.jobsCancelled) jobs will not run\n")
            } catch {
                return failure(error)
            }
        }
    }

    // MARK: - Handlers

    /// Server-Sent Events: one `snapshot` event per new snapshot (checked every 100 ms), a
    /// comment every 15 s to keep proxies from closing the stream.
    func events(selected: String?) -> Response {
        let state = state
        let shuttingDown = shuttingDown
        let streamSeconds = streamSeconds
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: .init { writer in
                let clock = ContinuousClock()
                let end = clock.now + .milliseconds(Int64(streamSeconds * 1000))
                var sent = -1
                var lastWrite = clock.now
                try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                while clock.now < end, !shuttingDown.isSet, !Task.isCancelled {
                    let version = state.version
                    if version != sent {
                        let snapshot = state.snapshot
                        sent = snapshot.version
                        let chosen = selected.flatMap(snapshot.sweep)?.id ?? snapshot.sweeps.last?.id
                        let data = try Self.compactEncoder.encode(snapshot.keepingCharts(of: chosen))
                        var buffer = ByteBuffer(string: "id: \(sent)\nevent: snapshot\ndata: ")
                        buffer.writeBytes(data)
                        buffer.writeString("\n\n")
                        try await writer.write(buffer)
                        lastWrite = clock.now
                    } else if clock.now - lastWrite > .seconds(15) {
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        lastWrite = clock.now
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
                try await writer.finish(nil)
            })
    }

    func report(_ reference: String?, format: String) async throws -> Response {
        guard let sweep = reference.flatMap(state.snapshot.sweep) else { return text(.notFound, "no such sweep\n") }
        let type: String
        switch format {
        case "json": type = "application/json"
        case "html": type = "text/html; charset=utf-8"
        default: type = "text/csv; charset=utf-8"
        }
        let body: [UInt8]
        do throws(OneShotRequests.Failure) {
            body = try await requests.reportFile(sweep.id, named: "report.\(format == "json" || format == "html" ? format : "csv")")
        } catch {
            return failure(error)
        }
        let file = "\(sweep.name)-report.\(format)".filter { $0.isLetter || $0.isNumber || "-_.".contains($0) }
        return Response(
            status: .ok,
            headers: [.contentType: type, .contentDisposition: format == "html" ? "inline" : "attachment; filename=\"\(file)\""],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    func failure(_ error: OneShotRequests.Failure) -> Response {
        switch error {
        case .busy: text(.serviceUnavailable, "busy: other requests to the coordinator are running; retry\n")
        case .client(let error) where error.refusal == .unknownSweep: text(.notFound, error.description + "\n")
        case .client(let error): text(.badGateway, "the coordinator: \(error.description)\n")
        case .report(let reason): text(.internalServerError, reason + "\n")
        }
    }

    // MARK: - Responses

    /// `status --json`'s encoding: sorted snake_case keys, ISO 8601 dates.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// As `encoder`, on one line (an event's `data:` must not contain newlines).
    static var compactEncoder: JSONEncoder {
        let encoder = encoder
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

func html(_ text: String) -> Response {
    Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: text)))
}

func json(_ data: Data) -> Response {
    Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
    Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: message)))
}

/// A flag set once, read by many.
final class ShutdownFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var isSet: Bool { flag.load(ordering: .relaxed) }
}
