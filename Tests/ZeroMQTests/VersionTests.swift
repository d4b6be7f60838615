import Testing
@testable import ZeroMQ

@Test func version_isLibzmq4() {
    #expect(ZeroMQ.version.major == 4)
}

@Test func has_reportsCurveAndRejectsNonsense() {
    #expect(ZeroMQ.has("curve"))
    #expect(!ZeroMQ.has("no-such-capability"))
}

@Test func error_describesItselfWithLibzmqText() {
    #expect(ZMQError.wouldBlock.description.contains("unavailable"))
    #expect(ZMQError.contextTerminated.isShutdown)
    #expect(!ZMQError.wouldBlock.isShutdown)
}
