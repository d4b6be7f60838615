/// Turns protocol messages into ZeroMQ frames and back: `[header, payload]`.
///
/// The header frame is `CLUSTERSWEEP/2`. The payload frame is the kind name (one length byte and
/// ASCII, e.g. `worker.results`), then for client requests and replies an 8-byte little-endian
/// request id, then the body: the case's associated value in the compact binary encoding of
/// `WireBinaryEncoder` (empty for cases without one). Decoding checks the frame count, the header
/// (version first), the size, the kind and then the body, and reports each failure as a
/// `WireError`; nothing a peer sends can crash it. See docs/PROTOCOL.md.
public enum WireCodec {
    // MARK: - Encoding

    /// The frames of a worker's message (a DEALER sends them as they are).
    public static func encode(_ message: WorkerMessage) throws(WireError) -> [[UInt8]] {
        switch message {
        case .hello(let body): try frames(message.kind, body)
        case .ready(let body): try frames(message.kind, body)
        case .heartbeat: try frames(message.kind, Empty?.none)
        case .progress(let body): try frames(message.kind, body)
        case .results(let body): try frames(message.kind, body)
        case .failures(let body): try frames(message.kind, body)
        case .released(let body): try frames(message.kind, body)
        case .goodbye(let body): try frames(message.kind, body)
        }
    }

    /// The frames of a coordinator's message to a worker (a ROUTER prepends the routing id).
    public static func encode(_ message: CoordinatorMessage) throws(WireError) -> [[UInt8]] {
        switch message {
        case .welcome(let body): try frames(message.kind, body)
        case .assign(let body): try frames(message.kind, body)
        case .ack(let body): try frames(message.kind, body)
        case .abort(let body): try frames(message.kind, body)
        case .heartbeat: try frames(message.kind, Empty?.none)
        case .reconnect: try frames(message.kind, Empty?.none)
        case .shutdown(let body): try frames(message.kind, body)
        }
    }

    /// The frames of a client's request, tagged with `requestID`.
    public static func encode(_ request: ClientRequest, requestID: UInt64) throws(WireError) -> [[UInt8]] {
        switch request {
        case .submit(let body): try frames(request.kind, body, requestID: requestID)
        case .status(let body): try frames(request.kind, body, requestID: requestID)
        case .cancel(let body): try frames(request.kind, body, requestID: requestID)
        case .workers: try frames(request.kind, Empty?.none, requestID: requestID)
        case .report(let body): try frames(request.kind, body, requestID: requestID)
        case .retry(let body): try frames(request.kind, body, requestID: requestID)
        case .plan(let body): try frames(request.kind, body, requestID: requestID)
        case .delete(let body): try frames(request.kind, body, requestID: requestID)
        case .results(let body): try frames(request.kind, body, requestID: requestID)
        case .reportPage(let body): try frames(request.kind, body, requestID: requestID)
        }
    }

    /// The frames of the coordinator's reply to the request `requestID`.
    public static func encode(_ reply: ClientReply, requestID: UInt64) throws(WireError) -> [[UInt8]] {
        switch reply {
        case .submitted(let body): try frames(reply.kind, body, requestID: requestID)
        case .status(let body): try frames(reply.kind, body, requestID: requestID)
        case .cancelled(let body): try frames(reply.kind, body, requestID: requestID)
        case .workers(let body): try frames(reply.kind, body, requestID: requestID)
        case .report(let body): try frames(reply.kind, body, requestID: requestID)
        case .retried(let body): try frames(reply.kind, body, requestID: requestID)
        case .planned(let body): try frames(reply.kind, body, requestID: requestID)
        case .deleted(let body): try frames(reply.kind, body, requestID: requestID)
        case .results(let body): try frames(reply.kind, body, requestID: requestID)
        case .reportPage(let body): try frames(reply.kind, body, requestID: requestID)
        case .error(let body): try frames(reply.kind, body, requestID: requestID)
        }
    }

    // MARK: - Decoding

    /// Decodes what a coordinator's ROUTER received, routing id already removed.
    public static func decodeInbound<Frames: Collection<[UInt8]>>(
        _ frames: Frames, limit: Int = WireProtocol.maxInboundPayloadBytes
    ) throws(WireError) -> CoordinatorInbound {
        var payload = try Payload(frames, limit: limit)
        switch payload.kind {
        case "worker.hello": return .worker(.hello(try payload.body()))
        case "worker.ready": return .worker(.ready(try payload.body()))
        case "worker.heartbeat": try payload.noBody(); return .worker(.heartbeat)
        case "worker.progress": return .worker(.progress(try payload.body()))
        case "worker.results":
            if let plain = PlainResultsReader.read(payload.bytes, at: payload.bodyStart) { return .worker(.results(.init(plain))) }
            return .worker(.results(try payload.body()))
        case "worker.failures": return .worker(.failures(try payload.body()))
        case "worker.released": return .worker(.released(try payload.body()))
        case "worker.goodbye": return .worker(.goodbye(try payload.body()))
        case "client.submit", "client.status", "client.cancel", "client.workers", "client.report", "client.retry",
            "client.plan", "client.delete", "client.results", "client.report_page":
            let requestID = try payload.requestID()
            switch payload.kind {
            case "client.submit": return .client(requestID: requestID, .submit(try payload.body()))
            case "client.status": return .client(requestID: requestID, .status(try payload.body()))
            case "client.cancel": return .client(requestID: requestID, .cancel(try payload.body()))
            case "client.workers": try payload.noBody(); return .client(requestID: requestID, .workers)
            case "client.retry": return .client(requestID: requestID, .retry(try payload.body()))
            case "client.plan": return .client(requestID: requestID, .plan(try payload.body()))
            case "client.delete": return .client(requestID: requestID, .delete(try payload.body()))
            case "client.results": return .client(requestID: requestID, .results(try payload.body()))
            case "client.report_page": return .client(requestID: requestID, .reportPage(try payload.body()))
            default: return .client(requestID: requestID, .report(try payload.body()))
            }
        default: throw .unknownKind(payload.kind)
        }
    }

    /// Decodes what a worker's DEALER received from the coordinator.
    public static func decodeCoordinatorMessage<Frames: Collection<[UInt8]>>(
        _ frames: Frames, limit: Int = WireProtocol.maxWorkerPayloadBytes
    ) throws(WireError) -> CoordinatorMessage {
        let payload = try Payload(frames, limit: limit)
        switch payload.kind {
        case "coordinator.welcome": return .welcome(try payload.body())
        case "coordinator.assign": return .assign(try payload.body())
        case "coordinator.ack": return .ack(try payload.body())
        case "coordinator.abort": return .abort(try payload.body())
        case "coordinator.heartbeat": try payload.noBody(); return .heartbeat
        case "coordinator.reconnect": try payload.noBody(); return .reconnect
        case "coordinator.shutdown": return .shutdown(try payload.body())
        default: throw .unknownKind(payload.kind)
        }
    }

    /// The jobs of a `coordinator.assign`, each kept in its wire encoding with its id, attempt and
    /// timeout read out; `nil` for any other (valid-header) message, which `decodeCoordinatorMessage`
    /// decodes. The whole body is checked structurally; each job's parameters are decoded only
    /// where the job runs (`EncodedAssignment.decode`).
    public static func encodedAssignments<Frames: Collection<[UInt8]>>(
        _ frames: Frames, limit: Int = WireProtocol.maxWorkerPayloadBytes
    ) throws(WireError) -> [EncodedAssignment]? {
        let payload = try Payload(frames, limit: limit)
        guard payload.kind == "coordinator.assign" else { return nil }
        do {
            return try payload.encodedAssignments()
        } catch let error as DecodingError {
            throw .malformed(reason: "\(payload.kind): \(error.wireDescription)")
        } catch {
            throw .malformed(reason: "\(payload.kind): \(error)")
        }
    }

    /// The frames of `worker.results` holding `results` as they were encoded: byte for byte what
    /// `encode(.results(...))` writes for the decoded jobs, without encoding them again.
    public static func encodeResults(_ results: some Collection<EncodedResult>) -> [[UInt8]] {
        let kind = "worker.results"
        var payload: [UInt8] = []
        payload.reserveCapacity(32 + results.reduce(0) { $0 + $1.bytes.count })
        payload.append(UInt8(kind.utf8.count))
        payload.append(contentsOf: kind.utf8)
        payload.append(BinaryTag.map.rawValue)
        payload.appendUInt32(1)
        payload.appendString("results")
        payload.append(BinaryTag.array.rawValue)
        payload.appendUInt32(UInt32(results.count))
        for result in results { payload.append(contentsOf: result.bytes) }
        return [WireProtocol.header, payload]
    }

    /// Decodes what a client's DEALER received: the reply and the id of the request it answers.
    public static func decodeClientReply<Frames: Collection<[UInt8]>>(
        _ frames: Frames, limit: Int = WireProtocol.maxClientReplyBytes
    ) throws(WireError) -> (requestID: UInt64, reply: ClientReply) {
        var payload = try Payload(frames, limit: limit)
        let known = [
            "reply.submitted", "reply.status", "reply.cancelled", "reply.workers", "reply.report", "reply.retried", "reply.planned", "reply.deleted",
            "reply.results", "reply.report_page", "reply.error",
        ]
        guard known.contains(payload.kind) else { throw .unknownKind(payload.kind) }
        let requestID = try payload.requestID()
        switch payload.kind {
        case "reply.submitted": return (requestID, .submitted(try payload.body()))
        case "reply.status": return (requestID, .status(try payload.body()))
        case "reply.cancelled": return (requestID, .cancelled(try payload.body()))
        case "reply.workers": return (requestID, .workers(try payload.body()))
        case "reply.report": return (requestID, .report(try payload.body()))
        case "reply.retried": return (requestID, .retried(try payload.body()))
        case "reply.planned": return (requestID, .planned(try payload.body()))
        case "reply.deleted": return (requestID, .deleted(try payload.body()))
        case "reply.results": return (requestID, .results(try payload.body()))
        case "reply.report_page": return (requestID, .reportPage(try payload.body()))
        default: return (requestID, .error(try payload.body()))
        }
    }

    /// Checks only the header frame: `nil` if it is this protocol's current version.
    public static func headerError(_ header: [UInt8]) -> WireError? {
        do throws(WireError) {
            try checkHeader(header)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Internals

    /// A placeholder body type for cases without an associated value.
    private struct Empty: Codable {}

    private static func frames<Body: Encodable>(_ kind: String, _ body: Body?, requestID: UInt64? = nil) throws(WireError) -> [[UInt8]] {
        var payload: [UInt8] = []
        payload.reserveCapacity(128)
        payload.append(UInt8(kind.utf8.count))
        payload.append(contentsOf: kind.utf8)
        if let requestID { payload.appendUInt64(requestID) }
        if let body {
            do {
                try WireBinaryEncoder().encode(body, appendingTo: &payload)
            } catch {
                throw .unencodable(reason: "\(kind): \(error)")
            }
        }
        return [WireProtocol.header, payload]
    }

    static func checkHeader(_ header: [UInt8]) throws(WireError) {
        if header == WireProtocol.header { return }
        let prefix = Array("\(WireProtocol.name)/".utf8)
        guard header.count > prefix.count, header.count <= prefix.count + 9, header.starts(with: prefix) else {
            throw .malformed(reason: "first frame is not a \(WireProtocol.name) header")
        }
        let digits = header[prefix.count...]
        guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let got = Int(String(decoding: digits, as: UTF8.self)) else {
            throw .malformed(reason: "header version is not a number")
        }
        throw .unsupportedVersion(got: got, expected: WireProtocol.version)
    }

    /// A payload frame whose header, size and kind were checked; the body is decoded on demand.
    private struct Payload {
        let bytes: [UInt8]
        let kind: String
        var bodyStart: Int

        init<Frames: Collection<[UInt8]>>(_ frames: Frames, limit: Int) throws(WireError) {
            guard frames.count == 2, let header = frames.first else {
                throw .malformed(reason: "expected 2 frames (header, payload), got \(frames.count)")
            }
            try WireCodec.checkHeader(header)
            let bytes = frames[frames.index(after: frames.startIndex)]
            guard bytes.count <= limit else { throw .tooLarge(bytes: bytes.count, limit: limit) }
            guard let length = bytes.first.map(Int.init), length > 0, length <= WireProtocol.maxKindBytes,
                  bytes.count >= 1 + length
            else { throw .malformed(reason: "payload does not start with a message kind") }
            let kindBytes = bytes[1...length]
            guard kindBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw .malformed(reason: "message kind is not printable ASCII")
            }
            self.bytes = bytes
            self.kind = String(decoding: kindBytes, as: UTF8.self)
            self.bodyStart = 1 + length
        }

        mutating func requestID() throws(WireError) -> UInt64 {
            guard bytes.count - bodyStart >= 8 else { throw .malformed(reason: "\(kind): missing request id") }
            var id: UInt64 = 0
            for index in 0..<8 { id |= UInt64(bytes[bodyStart + index]) << UInt64(8 * index) }
            bodyStart += 8
            return id
        }

        func body<Body: Decodable>() throws(WireError) -> Body {
            do {
                return try WireBinaryDecoder().decode(Body.self, from: bytes, offset: bodyStart)
            } catch let error as DecodingError {
                throw .malformed(reason: "\(kind): \(error.wireDescription)")
            } catch {
                throw .malformed(reason: "\(kind): \(error)")
            }
        }

        /// The body as `{jobs: [JobAssignment]}`, each job's bytes copied out, its header decoded.
        func encodedAssignments() throws -> [EncodedAssignment] {
            let input = BinaryInput(bytes: bytes, maxDepth: WireBinaryDecoder().maxDepth)
            guard try input.skip(bodyStart, depth: 0, codingPath: []) == bytes.count else {
                throw input.corrupt("trailing bytes", [])
            }
            let found = try input.tag(at: bodyStart, [])
            guard found == BinaryTag.map.rawValue else { throw input.typeMismatch([String: Any].self, found: found, []) }
            var position = bodyStart + 5
            var jobsAt: Int?
            for _ in 0..<(try input.count(at: bodyStart + 1, bytesPerElement: 2, [])) {
                let key = try input.stringRange(at: position, [])
                if input.bytes(in: key, equal: "jobs") { jobsAt = key.upperBound }
                position = try input.skip(key.upperBound, depth: 1, codingPath: [])
            }
            guard let jobsAt else { throw DecodingError.keyNotFound(JobsKey.jobs, .init(codingPath: [], debugDescription: "no jobs")) }
            let tag = try input.tag(at: jobsAt, [JobsKey.jobs])
            guard tag == BinaryTag.array.rawValue else { throw input.typeMismatch([Any].self, found: tag, [JobsKey.jobs]) }
            let count = try input.count(at: jobsAt + 1, bytesPerElement: 1, [JobsKey.jobs])
            var jobs: [EncodedAssignment] = []
            jobs.reserveCapacity(count)
            position = jobsAt + 5
            let decoder = WireBinaryDecoder()
            for _ in 0..<count {
                let end = try input.skip(position, depth: 2, codingPath: [JobsKey.jobs])
                let element = Array(bytes[position..<end])
                let header = try decoder.decode(EncodedAssignment.Header.self, from: element)
                jobs.append(EncodedAssignment(header: header, bytes: element))
                position = end
            }
            return jobs
        }

        private enum JobsKey: String, CodingKey { case jobs }

        func noBody() throws(WireError) {
            guard bodyStart == bytes.count else { throw .malformed(reason: "\(kind): unexpected body") }
        }
    }
}

extension DecodingError {
    /// "path.to.field: what is wrong", short enough for a log line.
    var wireDescription: String {
        let context: Context
        switch self {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c): context = c
        @unknown default: return "\(self)"
        }
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
    }
}
