import Foundation
import Testing
@testable import TrainingCore

/// State files: JSON shape, exact round trip, and errors that name the JSON path.
@Suite struct ModelStateTests {
    @Test func exportThenImport_reproducesTheRunBitForBit() throws {
        var config = tinyConfig()
        config.maxEpochs = 0
        let start = try ExperimentRunTests.outcome(config).finalState
        let json = try JSONEncoder().encode(start)
        let decoded = try JSONDecoder().decode(ModelState.self, from: json)
        config.maxEpochs = 20
        let fromSeed = try ExperimentRunTests.outcome(config)
        let fromFile = try ExperimentRunTests.outcome(config, initialState: decoded)
        #expect(fromFile.finalState.layers == fromSeed.finalState.layers)
        #expect(fromFile.finalState.points == fromSeed.finalState.points)
        #expect(fromFile.curve.map(\.values) == fromSeed.curve.map(\.values))
    }

    @Test func json_hasTheDocumentedShape() throws {
        let state = ModelState(epoch: 3, points: [[1, 2]], labels: [0],
                               layers: [LayerState(weights: [[0.5, -1]], bias: [0, .nan])])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(state), as: UTF8.self)
        #expect(json == #"{"epoch":3,"labels":[0],"layers":[{"bias":[0,null],"weights":[[0.5,-1]]}],"points":[[1,2]],"version":1}"#)
    }

    /// A way to damage a state, named by the JSON path the error must report.
    enum Damage: String, CaseIterable, Sendable {
        case extraCoordinate = "points[1]"
        case labelOutOfRange = "labels[2]"
        case missingLayer = "layers"
        case shortWeightRow = "layers[1].weights[0]"
        case longBias = "layers[2].bias"
        case missingPoint = "points"

        func apply(_ s: inout ModelState) {
            switch self {
            case .extraCoordinate: s.points[1].append(0)
            case .labelOutOfRange: s.labels[2] = 3
            case .missingLayer: s.layers.removeLast()
            case .shortWeightRow: s.layers[1].weights[0].removeLast()
            case .longBias: s.layers[2].bias.append(1)
            case .missingPoint: s.points.removeLast()
            }
        }
    }

    @Test(arguments: Damage.allCases)
    func init_rejectsAMisShapedState_namingTheJSONPath(_ damage: Damage) throws {
        let config = tinyConfig()
        var state = try ExperimentRun(config: config).initialState
        damage.apply(&state)
        do {
            _ = try ExperimentRun(config: config, initialState: state)
            Issue.record("accepted a damaged state (\(damage.rawValue))")
        } catch {
            guard case .badState(let got, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(got == damage.rawValue)
        }
    }

    @Test func decoding_rejectsAnotherVersion() {
        let json = #"{"version":2,"epoch":0,"points":[],"labels":[],"layers":[]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ModelState.self, from: Data(json.utf8)) }
    }
}
