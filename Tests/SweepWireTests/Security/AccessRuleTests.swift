import SweepModel
import Testing
import ZeroMQ
@testable import SweepWire

/// Who may send what, the bind rule, and the ZAP decision, without sockets.
@Suite struct AccessRuleTests {
    static let sweep = SweepID(rawValue: "s1")
    static let requests: [ClientRequest] = [
        .submit(.init(sourceText: "x", sourceName: "x.yaml")), .cancel(.init(sweep: sweep)),
        .report(.init(sweep: sweep)), .status(.init(sweep: nil)), .workers,
        .results(.init(sweep: sweep, after: 0, limit: 10)), .reportPage(.init(sweep: sweep, from: 0, limit: 10)),
    ]

    @Test func clientRequests_needAClientKey() {
        for request in Self.requests {
            #expect(PeerRole.client.mayMake(request), "\(request.kind)")
            #expect(!PeerRole.worker.mayMake(request), "\(request.kind)")
        }
    }

    @Test func workerMessages_needAWorkerKey() {
        #expect(PeerRole.worker.maySendWorkerMessages)
        #expect(!PeerRole.client.maySendWorkerMessages)
    }

    @Test func role_comesFromTheZAPUserID() {
        #expect(PeerRole(userID: "worker") == .worker)
        #expect(PeerRole(userID: "client") == .client)
        #expect(PeerRole(userID: nil) == nil)
        #expect(PeerRole(userID: "") == nil)
        #expect(PeerRole(userID: "Worker") == nil)
    }

    @Test func bindPolicy_refusesExposedPlainBindsOnly() throws {
        func check(_ text: String, curve: Bool = false, insecure: Bool = false) throws -> Bool {
            let endpoint = try Endpoint(parsing: text)
            do throws(SecurityError) {
                try BindPolicy.check(endpoint: endpoint, curveEnabled: curve, insecure: insecure)
                return true
            } catch {
                #expect(error.description.contains("anyone who can reach this port could submit work"))
                #expect(error.description.contains("--insecure"))
                return false
            }
        }
        #expect(try check("tcp://127.0.0.1:5555"))
        #expect(try check("tcp://localhost:5555"))
        #expect(try check("tcp://[::1]:5555"))
        #expect(try check("ipc:///tmp/coordinator.sock"))
        #expect(try check("inproc://coordinator"))
        #expect(try !check("tcp://0.0.0.0:5555"))
        #expect(try !check("tcp://*:5555"))
        #expect(try !check("tcp://10.1.2.3:5555"))
        #expect(try check("tcp://0.0.0.0:5555", curve: true))
        #expect(try check("tcp://*:5555", insecure: true))
    }

    @Test func zapDecision_allowsAuthorizedCurveKeysOnly() throws {
        let worker = try CurveKeyPair.generate().publicKey
        let stranger = try CurveKeyPair.generate().publicKey
        let keys = AuthorizedKeys([worker: .worker])
        func request(mechanism: String = "CURVE", version: String = "1.0", credentials: [[UInt8]]) -> ZAPRequest? {
            ZAPRequest(frames: [Array(version.utf8), [7, 7], Array("clustersweep".utf8), Array("10.0.0.9".utf8), [], Array(mechanism.utf8)] + credentials)
        }
        let allowed = try #require(request(credentials: [worker.bytes]))
        #expect(allowed.decide(with: keys) == .allow(.worker))
        #expect(allowed.reply(.allow(.worker)) == [Array("1.0".utf8), [7, 7], Array("200".utf8), Array("OK".utf8), Array("worker".utf8), []])
        #expect(try #require(request(credentials: [stranger.bytes])).decide(with: keys) == .refuse(status: "400", reason: "key not in the authorized keys file"))
        if case .refuse(let status, _) = try #require(request(mechanism: "NULL", credentials: [])).decide(with: keys) {
            #expect(status == "400")
        } else {
            Issue.record("NULL mechanism allowed")
        }
        #expect(try #require(request(credentials: [[1, 2, 3]])).decide(with: keys) == .refuse(status: "400", reason: "malformed CURVE credentials"))
        #expect(try #require(request(version: "2.0", credentials: [worker.bytes])).decide(with: keys) == .refuse(status: "500", reason: "unsupported ZAP version"))
        #expect(ZAPRequest(frames: [[1], [2]]) == nil)
        let refusal = allowed.reply(.refuse(status: "400", reason: "no"))
        #expect(refusal[2] == Array("400".utf8))
        #expect(refusal[4].isEmpty, "a refused peer gets no user id")
    }

    @Test func controlCoding_roundTripsKeySets() throws {
        let keys = AuthorizedKeys([
            try CurveKeyPair.generate().publicKey: .worker, try CurveKeyPair.generate().publicKey: .client,
        ])
        #expect(ZAPAuthenticator.ControlCoding.decode(ZAPAuthenticator.ControlCoding.encode(keys)) == keys)
        #expect(ZAPAuthenticator.ControlCoding.decode([]) == AuthorizedKeys())
        #expect(ZAPAuthenticator.ControlCoding.decode([1, 2]) == nil)
        #expect(ZAPAuthenticator.ControlCoding.decode([UInt8(ascii: "x")] + [UInt8](repeating: 0, count: 32)) == nil)
    }

    @Test func rejectionLogLimiter_logsABurstPerWindowThenCountsTheRest() {
        var limiter = RejectionLogLimiter(burst: 2, window: .seconds(60))
        let start = ContinuousClock.now
        #expect(limiter.shouldLog(at: start) == (true, 0))
        #expect(limiter.shouldLog(at: start + .seconds(1)) == (true, 0))
        #expect(limiter.shouldLog(at: start + .seconds(2)) == (false, 0))
        #expect(limiter.shouldLog(at: start + .seconds(59)) == (false, 0))
        #expect(limiter.shouldLog(at: start + .seconds(61)) == (true, 2))
        #expect(limiter.shouldLog(at: start + .seconds(62)) == (true, 0))
        #expect(limiter.shouldLog(at: start + .seconds(63)) == (false, 0))
    }
}
