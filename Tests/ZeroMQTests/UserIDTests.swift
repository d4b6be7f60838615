import Testing
import ZeroMQ

/// `receiveWithUserID`: the user id a ZAP handler gave a connection arrives with its messages.
@Suite struct UserIDTests {
    /// A CURVE ROUTER whose ZAP handler (answered on this thread) names every client `userID`,
    /// one DEALER that sends "hello"; returns what the ROUTER received.
    private func receiveOverCurve(userID: String, tryVariant: Bool) throws -> (frames: [[UInt8]], userID: String?)? {
        let context = try ZMQContext()
        let server = try CurveKeyPair.generate()
        let client = try CurveKeyPair.generate()
        let zap = try context.socket(.rep)
        try zap.bind("inproc://zeromq.zap.01")
        let router = try context.socket(.router)
        try router.set([.curveServer(true), .curveSecretKey(server.secretKey), .zapDomain("test")])
        try router.bind("tcp://127.0.0.1:*")
        let dealer = try context.socket(.dealer)
        try dealer.set([.curveServerKey(server.publicKey), .curvePublicKey(client.publicKey), .curveSecretKey(client.secretKey)])
        try dealer.connect(try router.lastEndpoint())
        try dealer.send([Array("hello".utf8)])

        let poller = ZMQPoller()
        try poller.register(zap)
        try poller.register(router)
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline {
            let ready = try poller.poll(timeoutMilliseconds: 100)
            if ready.isReadable(0) {
                let request = try zap.receive()
                try zap.send([Array("1.0".utf8), request[1], Array("200".utf8), Array("OK".utf8), Array(userID.utf8), []])
            }
            if ready.isReadable(1) {
                if tryVariant { return try router.tryReceiveWithUserID(maxFrames: 3) }
                return try router.receiveWithUserID(maxFrames: 3)
            }
        }
        return nil
    }

    @Test func receiveWithUserID_returnsTheZAPUserID() throws {
        let message = try #require(try receiveOverCurve(userID: "worker", tryVariant: false))
        #expect(message.frames.count == 2)
        #expect(message.frames.last == Array("hello".utf8))
        #expect(message.userID == "worker")
    }

    @Test func tryReceiveWithUserID_returnsTheZAPUserID() throws {
        let message = try #require(try receiveOverCurve(userID: "client", tryVariant: true))
        #expect(message.frames.last == Array("hello".utf8))
        #expect(message.userID == "client")
    }

    @Test func receiveWithUserID_isNilWithoutAuthentication() throws {
        let context = try ZMQContext()
        let router = try context.socket(.router)
        try router.set(.receiveTimeout(milliseconds: 2000))
        try router.bind("tcp://127.0.0.1:*")
        let dealer = try context.socket(.dealer)
        try dealer.connect(try router.lastEndpoint())
        #expect(try router.tryReceiveWithUserID() == nil)
        try dealer.send([Array("plain".utf8)])
        let message = try router.receiveWithUserID(maxFrames: 3)
        #expect(message.frames.last == Array("plain".utf8))
        #expect(message.userID == nil)
    }

    @Test func receiveWithUserID_discardsMessagesWithTooManyFrames() throws {
        let context = try ZMQContext()
        let pull = try context.socket(.pull)
        try pull.set(.receiveTimeout(milliseconds: 2000))
        try pull.bind("inproc://user-id-frames")
        let push = try context.socket(.push)
        try push.connect("inproc://user-id-frames")
        try push.send([[1], [2], [3]])
        try push.send([[4]])
        #expect(throws: ZMQError.messageTooLarge) { try pull.receiveWithUserID(maxFrames: 2) }
        #expect(try pull.receiveWithUserID(maxFrames: 2).frames == [[4]])
    }
}
