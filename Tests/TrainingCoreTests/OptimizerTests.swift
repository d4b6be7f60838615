import Foundation
import Testing
@testable import TrainingCore

/// The weight updates (PyTorch's Adam, plain SGD) and the input update, step by step against a
/// double-precision transcription of their definitions.
@Suite struct OptimizerTests {
    @Test func sgd_stepsAgainstTheGradient() throws {
        let (engine, _, parameters, _, _) = try GradientTests.engineAndReference(.tanh, optimizer: .sgd)
        engine.computeGradients()
        let gradients = engine.gradientArray().map(Double.init)
        engine.step()
        let after = engine.parameterArray().map(Double.init)
        let lr = Double(engine.learningRate)
        for i in parameters.indices {
            #expect(abs(after[i] - (parameters[i] - lr * gradients[i])) <= 1e-6 * max(1, abs(parameters[i])))
        }
    }

    @Test func adam_matchesPyTorchOverThreeSteps() throws {
        let (engine, _, start, _, _) = try GradientTests.engineAndReference(.tanh, optimizer: .adam)
        var p = start
        var m = [Double](repeating: 0, count: p.count), v = m
        let lr = Double(engine.learningRate)
        for t in 1...3 {
            engine.computeGradients()
            let g = engine.gradientArray().map(Double.init)
            // torch.optim.Adam: m_hat / (sqrt(v_hat) + eps), bias-corrected.
            for i in p.indices {
                m[i] = 0.9 * m[i] + 0.1 * g[i]
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i]
                let mHat = m[i] / (1 - pow(0.9, Double(t)))
                let vHat = v[i] / (1 - pow(0.999, Double(t)))
                p[i] -= lr * mHat / (vHat.squareRoot() + 1e-8)
            }
            engine.step()
            let actual = engine.parameterArray().map(Double.init)
            for i in p.indices {
                #expect(abs(actual[i] - p[i]) <= 1e-3 * lr + 1e-6 * abs(p[i]), "step \(t) parameter \(i)")
            }
            // Keep the reference on the engine's exact parameters so float rounding cannot pile up.
            p = actual
        }
    }

    @Test func inputUpdate_isTheRateTimesNTimesTheMeanLossGradient() throws {
        let (engine, _, _, points, _) = try GradientTests.engineAndReference(.tanh)
        engine.computeGradients()
        let gradient = engine.pointGradientRows().map(Double.init)
        engine.step()
        let after = engine.pointRows().map(Double.init)
        let step = 1e-3 * Double(engine.pointCount)
        #expect(engine.inputStep == Float(step))
        var moved = false
        for i in points.indices {
            #expect(abs(after[i] - (points[i] - step * gradient[i])) <= 1e-6)
            moved = moved || after[i] != points[i]
        }
        #expect(moved)
    }
}
