import SweepModel
import SweepWire
import Testing
@testable import Worker

private typealias F = SessionFixture

/// A worker that never worked does not end quietly: never welcomed within `--idle-exit`, or
/// refused by the coordinator's CURVE authenticator.
@Suite struct WorkerSessionFailureTests {
    /// Started with every slot up, never welcomed.
    static func unwelcomed(_ configuration: WorkerConfiguration) -> SessionDriver {
        var driver = SessionDriver(configuration)
        _ = driver.on(.start)
        for slot in 0..<driver.session.slotCount { _ = driver.on(.slotStarted(slot: slot)) }
        return driver
    }

    @Test func idleExit_withoutEverAWelcome_isAFailureNamingTheEndpoint() {
        var driver = Self.unwelcomed(F.configuration(idleExit: .seconds(2)))
        #expect(driver.on(.tick, after: .milliseconds(1999)).exit == nil)
        let last = driver.on(.tick, after: .milliseconds(1))
        let exit = WorkerExit.neverConnected(endpoint: "tcp://coordinator:5555", seconds: 2)
        #expect(last.exit == exit)
        #expect(exit.isFailure)
        #expect(last.notices.contains(.failing(exit)))
        #expect(exit.description.contains("never reached a coordinator at tcp://coordinator:5555 within 2.0 s"))
    }

    @Test func idleExit_countsFromTheFirstWelcome_notFromStart() {
        var driver = Self.unwelcomed(F.configuration(idleExit: .seconds(2)))
        _ = driver.on(.tick, after: .milliseconds(1500))
        _ = driver.on(F.welcome(), after: .zero)
        // 1.5 s before the welcome do not count: 1.9 s after it the worker still waits.
        #expect(driver.on(.tick, after: .milliseconds(1900)).exit == nil)
        #expect(driver.on(.tick, after: .milliseconds(100)).exit == .idle)
    }

    @Test func refusedHandshake_isLogged_andEndsAWorkerThatMustNotWaitForever() {
        var driver = Self.unwelcomed(F.configuration(idleExit: .seconds(600)))
        let first = driver.on(.handshakeRefused(reason: "authentication refused (ZAP status 400)"))
        #expect(first.notices == [.handshakeRefused(
            endpoint: "tcp://coordinator:5555", reason: "authentication refused (ZAP status 400)", refusals: 1)])
        #expect(driver.on(.handshakeRefused(reason: "authentication refused (ZAP status 400)")).exit == nil)
        let third = driver.on(.handshakeRefused(reason: "authentication refused (ZAP status 400)"))
        guard case .refused(let endpoint, 3, _)? = third.exit else {
            Issue.record("expected a refused exit, got \(String(describing: third.exit))")
            return
        }
        #expect(endpoint == "tcp://coordinator:5555")
        #expect(third.exit?.isFailure == true)
    }

    @Test func refusedHandshake_withoutLimits_keepsTrying_andLogsEveryTenth() {
        var driver = Self.unwelcomed(F.configuration())
        var logged = 0
        for _ in 0..<25 {
            let actions = driver.on(.handshakeRefused(reason: "x"))
            #expect(actions.exit == nil)
            logged += actions.notices.count
        }
        #expect(logged == 3)  // the 1st, 10th and 20th
    }
}
