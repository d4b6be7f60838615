import Foundation
import Testing
import ZeroMQ

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
        #expect(elapsed >= .milliseconds(40))
        #expect(elapsed < .seconds(2))
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
        let result = try poller.poll(timeoutMilliseconds: 2000)
        #expect(result.isReadable(busyIndex))
        #expect(!result.isReadable(quietIndex))
        #expect(result.isWritable(writable))
        #expect(!result.isReadable(99))
        #expect(try busy.tryReceive()?.last == [42])
    }
}
