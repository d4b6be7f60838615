import Dispatch
import Foundation
import Synchronization
import Testing
import ZeroMQ

/// The poller's function, not its speed: it waits while nothing is ready, reports which socket is
/// ready, and wakes up when a message arrives. Deadlines here only guard against a hang.
@Suite struct PollerTests {
    @Test func poll_timesOutWithNothingReady() throws {
        let context = try ZMQContext()
        let socket = try context.socket(.router)
        try socket.bind("inproc://poll-idle")
        let poller = ZMQPoller()
        try poller.register(socket)
        let start = ContinuousClock.now
        let result = try poller.poll(timeoutMilliseconds: 50)
        let elapsed = ContinuousClock.now - start
        #expect(result.readyCount == 0)
        #expect(!result.isReadable(0))
        // It waited instead of returning at once (a busy machine can only make the wait longer).
        #expect(elapsed >= .milliseconds(40), "returned after \(elapsed)")
    }

    @Test func poll_reportsWhichSocketIsReadable() throws {
        let context = try ZMQContext()
        let quiet = try context.socket(.router)
        try quiet.bind("inproc://poll-quiet")
        let busy = try context.socket(.router)
        try busy.bind("inproc://poll-busy")
        let dealer = try context.socket(.dealer)
        try dealer.connect("inproc://poll-busy")
        try dealer.send([[42]])

        let poller = ZMQPoller()
        let quietIndex = try poller.register(quiet)
        let busyIndex = try poller.register(busy)
        let writable = try poller.register(dealer, for: .writable)
        let result = try poller.poll(timeoutMilliseconds: 10_000)  // hang guard only
        #expect(result.isReadable(busyIndex))
        #expect(!result.isReadable(quietIndex))
        #expect(result.isWritable(writable))
        #expect(!result.isReadable(99))
        #expect(try busy.tryReceive()?.last == [42])
    }

    @Test func poll_wakesUpWhenAMessageArrivesFromAnotherThread() throws {
        let context = try ZMQContext()
        let router = try context.socket(.router)
        try router.bind("inproc://poll-wake")
        let poller = ZMQPoller()
        let index = try poller.register(router)
        let received = DispatchSemaphore(value: 0)
        let senderDone = DispatchSemaphore(value: 0)
        let senderError = Mutex<ZMQError?>(nil)
        // The sender owns its socket on its own thread (a socket belongs to one thread).
        Thread {
            defer { senderDone.signal() }
            do throws(ZMQError) {
                let dealer = try context.socket(.dealer)
                defer { dealer.close() }
                try dealer.connect("inproc://poll-wake")
                Thread.sleep(forTimeInterval: 0.1)  // let the poll below start waiting first
                try dealer.send([[7]])
                _ = received.wait(timeout: .now() + 10)
            } catch {
                senderError.withLock { $0 = error }
            }
        }.start()
        // A poll that would wait 10 s returns because the message came, not because time ran out.
        let result = try poller.poll(timeoutMilliseconds: 10_000)
        #expect(result.readyCount == 1)
        #expect(result.isReadable(index))
        #expect(try router.tryReceive(maxFrames: 2)?.last == [7])
        received.signal()
        #expect(senderDone.wait(timeout: .now() + 10) == .success)
        #expect(senderError.withLock { $0 } == nil)
    }
}
