import Testing
@testable import ZeroMQ

@Test func version_isLibzmq4() {
    #expect(ZeroMQ.version.major == 4)
}
