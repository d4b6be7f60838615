import Foundation
import Synchronization
import Testing
import ZeroMQ

/// ROUTER/DEALER exchanges over real tcp loopback and inproc transports.
@Suite struct RoundTripTests {
    let context: ZMQContext

    init() throws { context = try ZMQContext() }

    private func pair(_ endpoint: String) throws -> (router: ZMQSocket, dealer: ZMQSocket) {
        let router = try context.socket(.router)
        try router.set(.receiveTimeout(milliseconds: 2000))
        try router.bind(endpoint)
        let dealer = try context.socket(.dealer)
        try dealer.set([.receiveTimeout(milliseconds: 2000), .routingID(Array("worker-1".utf8))])
        try dealer.connect(try router.lastEndpoint())
        return (router, dealer)
    }

    @Test func routerDealer_roundTripsMultipartOverTCP() throws {
        let (router, dealer) = try pair("tcp://127.0.0.1:*")
        #expect(try router.lastEndpoint().hasPrefix("tcp://127.0.0.1:"))
        try dealer.send([Array("CLUSTERSWEEP/1".utf8), [], [1, 2, 3]])
        let received = try router.receive()
        #expect(received == [Array("worker-1".utf8), Array("CLUSTERSWEEP/1".utf8), [], [1, 2, 3]])
        try router.send([received[0], Array("reply".utf8)])
        #expect(try dealer.receive() == [Array("reply".utf8)])
    }

    @Test func routerDealer_roundTripsOverInproc() throws {
        let (router, dealer) = try pair("inproc://roundtrip-\(UUID().uuidString)")
        let big = [UInt8](repeating: 7, count: 100_000)
        try dealer.send([big])
        let received = try router.receive()
        #expect(received.count == 2)
        #expect(received[1] == big)
    }

    @Test func tryReceive_returnsNilWhenNothingWaits() throws {
        let (router, _) = try pair("inproc://empty-\(UUID().uuidString)")
        #expect(try router.tryReceive() == nil)
    }

    @Test func receive_failsWithWouldBlockAfterTimeout() throws {
        let (_, dealer) = try pair("inproc://timeout-\(UUID().uuidString)")
        try dealer.set(.receiveTimeout(milliseconds: 50))
        #expect(throws: ZMQError.wouldBlock) { try dealer.receive() }
    }

    @Test func receive_rejectsMessagesWithTooManyFrames() throws {
        let (router, dealer) = try pair("inproc://frames-\(UUID().uuidString)")
        try dealer.send(Array(repeating: [1], count: 10))
        try dealer.send([[2]])
        #expect(throws: ZMQError.messageTooLarge) { try router.receive(maxFrames: 4) }
        // The oversized message was drained; the next one is intact.
        #expect(try router.receive(maxFrames: 4).last == [2])
    }

    @Test func socket_setsLingerAtCreationAndClosesIdempotently() throws {
        let socket = try context.socket(.dealer, linger: 25)
        #expect(try socket.linger() == 25)
        socket.close()
        socket.close()
        #expect(!socket.isOpen)
        #expect(throws: ZMQError.notASocket) { try socket.send([[1]]) }
    }

    @Test func bind_rejectsMalformedEndpoint() throws {
        let socket = try context.socket(.router)
        #expect(throws: ZMQError.self) { try socket.bind("not an endpoint") }
        #expect(throws: ZMQError.protocolNotSupported) { try socket.bind("carrier-pigeon://x") }
    }

    @Test func unbindAndDisconnect_acceptKnownEndpointsOnly() throws {
        let (router, dealer) = try pair("tcp://127.0.0.1:*")
        let endpoint = try router.lastEndpoint()
        try dealer.disconnect(endpoint)
        try router.unbind(endpoint)
        #expect(throws: ZMQError.noSuchEndpoint) { try router.unbind(endpoint) }
    }

    @Test func routerMandatory_failsSendToUnknownPeer() throws {
        let (router, _) = try pair("inproc://mandatory-\(UUID().uuidString)")
        try router.set(.routerMandatory(true))
        #expect(throws: ZMQError.hostUnreachable) { try router.send([Array("nobody".utf8), [1]]) }
    }

    @Test func maxMessageSize_dropsOversizedPeerAndKeepsServing() throws {
        let router = try context.socket(.router)
        try router.set([.maxMessageSize(1024), .receiveTimeout(milliseconds: 300)])
        try router.bind("tcp://127.0.0.1:*")
        let endpoint = try router.lastEndpoint()
        #expect(try router.maxMessageSize() == 1024)

        let hostile = try context.socket(.dealer)
        try hostile.connect(endpoint)
        try hostile.send([[UInt8](repeating: 0, count: 4096)])
        #expect(throws: ZMQError.wouldBlock) { try router.receive() }

        let honest = try context.socket(.dealer)
        try honest.connect(endpoint)
        try honest.send([[UInt8](repeating: 1, count: 512)])
        try router.set(.receiveTimeout(milliseconds: 2000))
        #expect(try router.receive()[1].count == 512)
    }

    @Test func contextShutdown_wakesBlockedReceiverWithShutdownError() throws {
        let outcome = Mutex<ZMQError?>(nil)
        let receiving = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let context = self.context
        let thread = Thread {
            defer { done.signal() }
            let socket: ZMQSocket
            do throws(ZMQError) {
                socket = try context.socket(.dealer)
                try socket.bind("inproc://blocked")
            } catch {
                return  // `receiving` is never signalled: the test fails below
            }
            receiving.signal()
            do throws(ZMQError) {
                _ = try socket.receive()
            } catch {
                outcome.withLock { $0 = error }
            }
        }
        thread.start()
        // The socket exists and the thread is at (or in) its blocking receive before the shutdown,
        // so the error below can only come from that receive.
        try #require(receiving.wait(timeout: .now() + 5) == .success, "the receiving thread could not set up its socket")
        Thread.sleep(forTimeInterval: 0.05)  // most likely blocked by now; either way receive must end
        context.shutdown()
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(outcome.withLock { $0 }?.isShutdown == true)
    }
}
