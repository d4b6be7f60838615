import Foundation
import Testing
import ZeroMQ
@testable import SweepWire
import SweepModel

/// The protocol over real ZeroMQ sockets: one ROUTER serving a worker DEALER and a client DEALER.
@Suite struct WireSocketTests {
    @Test func routerServesWorkerAndClient_andSurvivesHostileFrames() throws {
        let context = try ZMQContext()
        let router = try context.socket(.router)
        try router.set(WireSocketOptions.coordinator + [.receiveTimeout(milliseconds: 2000)])
        try router.bind("tcp://127.0.0.1:*")
        let endpoint = try router.lastEndpoint()

        let worker = try context.socket(.dealer)
        try worker.set([.routingID(Array(WireFixtures.worker.rawValue.utf8)), .receiveTimeout(milliseconds: 2000)])
        try worker.connect(endpoint)
        let client = try context.socket(.dealer)
        try client.set(.receiveTimeout(milliseconds: 2000))
        try client.connect(endpoint)
        let hostile = try context.socket(.dealer)
        try hostile.connect(endpoint)

        try hostile.send([Array("CLUSTERSWEEP/9".utf8), [1, 2, 3]])
        try hostile.send([[0xFF, 0xFE]])
        try worker.send(try WireCodec.encode(WireFixtures.workerMessages[0]))
        try client.send(try WireCodec.encode(ClientRequest.workers, requestID: 7))

        var errors: [WireError] = []
        var inbound: [(peer: [UInt8], message: CoordinatorInbound)] = []
        while inbound.count < 2 || errors.count < 2 {
            let frames = try router.receive(maxFrames: 3)
            do {
                inbound.append((frames[0], try WireCodec.decodeInbound(frames.dropFirst())))
            } catch {
                errors.append(error)
            }
        }
        #expect(errors.contains(.unsupportedVersion(got: 9, expected: 2)))
        #expect(errors.count == 2)

        for (peer, message) in inbound {
            switch message {
            case .worker(.hello(let hello)):
                #expect(peer == Array(hello.worker.rawValue.utf8))
                try router.send([peer] + WireCodec.encode(CoordinatorMessage.assign(.init([WireFixtures.assignment(1)]))))
            case .client(let requestID, .workers):
                try router.send([peer] + WireCodec.encode(ClientReply.workers(.init([])), requestID: requestID))
            default:
                Issue.record("unexpected \(message)")
            }
        }
        #expect(try WireCodec.decodeCoordinatorMessage(worker.receive()) == .assign(.init([WireFixtures.assignment(1)])))
        let reply = try WireCodec.decodeClientReply(client.receive())
        #expect(reply.requestID == 7)
        #expect(reply.reply == .workers(.init([])))
    }
}

@Suite struct WireCurveTests {
    @Test func curveOptions_carryAProtocolMessageEncrypted() throws {
        let context = try ZMQContext()
        let server = try CurveKeyPair.generate()
        let client = CurveClientKeys(serverPublicKey: server.publicKey, keyPair: try CurveKeyPair.generate())
        let router = try context.socket(.router)
        try router.set(WireSocketOptions.coordinator + WireSocketOptions.curveServer(secretKey: server.secretKey))
        try router.set(.receiveTimeout(milliseconds: 3000))
        try router.bind("tcp://127.0.0.1:*")
        let dealer = try context.socket(.dealer)
        try dealer.set(WireSocketOptions.client(curve: client))
        try dealer.connect(try router.lastEndpoint())
        try dealer.send(try WireCodec.encode(ClientRequest.status(.init(sweep: nil)), requestID: 1))
        let frames = try router.receive(maxFrames: 3)
        #expect(try WireCodec.decodeInbound(frames.dropFirst()) == .client(requestID: 1, .status(.init(sweep: nil))))
    }

    @Test func plainClient_isNotHeardByACurveServer() throws {
        let context = try ZMQContext()
        let server = try CurveKeyPair.generate()
        let router = try context.socket(.router)
        try router.set(WireSocketOptions.coordinator + WireSocketOptions.curveServer(secretKey: server.secretKey))
        try router.set(.receiveTimeout(milliseconds: 300))
        try router.bind("tcp://127.0.0.1:*")
        let dealer = try context.socket(.dealer)
        try dealer.set(WireSocketOptions.client(curve: nil))
        try dealer.connect(try router.lastEndpoint())
        try dealer.send(try WireCodec.encode(ClientRequest.workers, requestID: 1))
        #expect(throws: ZMQError.wouldBlock) { try router.receive() }
    }
}
