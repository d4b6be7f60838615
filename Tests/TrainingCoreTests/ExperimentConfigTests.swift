import Foundation
import Testing
@testable import TrainingCore

@Test func resolved_fillsInputScaleAndThresholdFromTheirSources() {
    var config = ExperimentConfig()
    config.range = 500
    config.metric = .knnAccuracy
    let resolved = config.resolved()
    #expect(resolved.inputScale == 1.0 / 500)
    #expect(resolved.threshold == 0.95)
}

@Test func paperAlpha_convertsTheNormalisedRateToRawUnits() {
    let config = ExperimentConfig()  // 1e-3 * 500 / (1/1000)^2
    #expect(abs(config.paperAlpha - 5e5) < 1e-6)
}

@Test func decoding_takesDefaultsForAbsentKeysAndAcceptsBothMetricSpellings() throws {
    let json = #"{"dimension": 3, "metric": "knn_accuracy", "input_learning_rate": 0.003}"#
    let config = try JSONDecoder().decode(ExperimentConfig.self, from: Data(json.utf8))
    #expect(config.dimension == 3)
    #expect(config.metric == .knnAccuracy)
    #expect(config.inputLearningRate == 0.003)
    #expect(config.points == 500)
    #expect(config.hidden == [16, 16])
}

@Test func validationProblems_nameEachBadField() {
    var config = ExperimentConfig()
    config.hidden = [16, 0]
    config.classes = 600
    config.learningRate = -1
    let fields = config.validationProblems().map(\.field)
    #expect(fields == ["classes", "hidden[1]", "learning_rate"])
    #expect(ExperimentConfig().validationProblems().isEmpty)
}
