import Foundation
import Testing
import ZeroMQ

@Suite struct CurveKeyTests {
    @Test func keypair_derivesItsOwnPublicKey() throws {
        let pair = try CurveKeyPair.generate()
        #expect(pair.publicKey.z85.count == 40)
        #expect(try pair.secretKey.derivedPublicKey() == pair.publicKey)
        #expect(try CurveKeyPair(secretKey: pair.secretKey) == pair)
        #expect(pair.publicKey != pair.secretKey)
    }

    @Test func z85_roundTripsAndRejectsMalformedText() {
        let bytes: [UInt8] = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B]
        #expect(Z85.encode(bytes) == "HelloWorld")
        #expect(Z85.decode("HelloWorld") == bytes)
        #expect(Z85.encode([1, 2, 3]) == nil)
        #expect(Z85.decode("Hello") != nil)
        #expect(Z85.decode("Hell") == nil)
        #expect(Z85.decode("Hell\"") == nil)
        #expect(Z85.decode("#####") == nil, "above 2^32-1")
        #expect(Z85.decode("héllo") == nil)
    }

    @Test func curveKey_parsesTrimmedTextOnly() throws {
        let key = try CurveKeyPair.generate().publicKey
        #expect(CurveKey(z85: "  \(key.z85)\n") == key)
        #expect(CurveKey(z85: String(key.z85.dropLast())) == nil)
        #expect(CurveKey(bytes: [1, 2]) == nil)
    }
}

/// CURVE handshakes over tcp loopback, with a ZAP handler deciding who may connect.
@Suite struct CurveHandshakeTests {
    /// Runs a CURVE server ROUTER and a ZAP handler on this thread, answering ZAP requests with
    /// `allow`, and returns what the server received within `timeout`.
    private func serve(
        context: ZMQContext, server: CurveKeyPair, client: CurveKeyPair, allow: @escaping ([UInt8]) -> Bool
    ) throws -> (message: [[UInt8]]?, events: [ZMQMonitorEvents]) {
        let zap = try context.socket(.rep)
        try zap.bind("inproc://zeromq.zap.01")
        let router = try context.socket(.router)
        try router.set([.curveServer(true), .curveSecretKey(server.secretKey), .zapDomain("clustersweep")])
        let monitor = try router.monitor([.handshakeSucceeded, .handshakeFailedAuth])
        try router.bind("tcp://127.0.0.1:*")

        let dealer = try context.socket(.dealer)
        try dealer.set([
            .curveServerKey(server.publicKey), .curvePublicKey(client.publicKey),
            .curveSecretKey(client.secretKey),
        ])
        try dealer.connect(try router.lastEndpoint())
        try dealer.send([Array("hello".utf8)])

        let poller = ZMQPoller()
        let zapIndex = try poller.register(zap)
        let routerIndex = try poller.register(router)
        let monitorIndex = try poller.register(monitor.socket)
        var events: [ZMQMonitorEvents] = []
        var message: [[UInt8]]?
        let deadline = ContinuousClock.now + .milliseconds(1500)
        while ContinuousClock.now < deadline, message == nil || events.isEmpty {
            let ready = try poller.poll(timeoutMilliseconds: 100)
            if ready.isReadable(zapIndex) {
                let request = try zap.receive()
                // [version, request id, domain, address, routing id, mechanism, client key]
                #expect(request.count == 7)
                #expect(String(decoding: request[5], as: UTF8.self) == "CURVE")
                let ok = request.count == 7 && allow(request[6])
                try zap.send([
                    Array("1.0".utf8), request.count > 1 ? request[1] : [], Array((ok ? "200" : "400").utf8),
                    Array((ok ? "OK" : "unknown key").utf8), Array((ok ? "worker" : "").utf8), [],
                ])
            }
            if ready.isReadable(routerIndex) { message = try router.receive() }
            if ready.isReadable(monitorIndex), let event = try monitor.next(timeoutMilliseconds: 0) {
                events.append(event.event)
            }
        }
        return (message, events)
    }

    @Test func curve_authorizedClientIsHeard() throws {
        let context = try ZMQContext()
        let server = try CurveKeyPair.generate()
        let client = try CurveKeyPair.generate()
        let outcome = try serve(context: context, server: server, client: client) { $0 == client.publicKey.bytes }
        #expect(outcome.message?.last == Array("hello".utf8))
        #expect(outcome.events.contains(.handshakeSucceeded))
    }

    @Test func curve_zapRejectedClientIsNeverHeard() throws {
        let context = try ZMQContext()
        let server = try CurveKeyPair.generate()
        let client = try CurveKeyPair.generate()
        let outcome = try serve(context: context, server: server, client: client) { _ in false }
        #expect(outcome.message == nil)
        #expect(outcome.events.contains(.handshakeFailedAuth))
    }
}
