/// The weight optimizer's update over the flat parameter buffer, vectorised.
///
/// Bit for bit the scalar formulas it replaced (`TrainingEngine.updateParameters` before): the
/// same multiplications, additions and divisions in the same order, never fused (Swift does not
/// contract `a * b + c`), and the square root correctly rounded (`sqrt` of `|v|`, which lets the
/// compiler use the vector instruction instead of a libm call per lane; `v` is never negative,
/// and a NaN `v` keeps its own bits as the scalar square root would).
public enum OptimizerKernels {
    /// One Adam step (PyTorch's form): `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`,
    /// `p -= stepSize * m / (sqrt(v) / correction2Root + eps)`, with b1 = 0.9, b2 = 0.999,
    /// eps = 1e-8.
    public static func adam(
        parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
        firstMoment: UnsafeMutablePointer<Float>, secondMoment: UnsafeMutablePointer<Float>, count: Int,
        stepSize: Float, correction2Root: Float
    ) {
        let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
        let keep1 = beta1, take1 = 1 - beta1, keep2 = beta2, take2 = 1 - beta2
        var i = 0
        while i < count {
            let g = gradients[i]
            let m = keep1 * firstMoment[i] + take1 * g
            let v = keep2 * secondMoment[i] + take2 * g * g
            firstMoment[i] = m
            secondMoment[i] = v
            let root = v.isNaN ? v : v.magnitude.squareRoot()
            parameters[i] = parameters[i] - stepSize * m / (root / correction2Root + epsilon)
            i &+= 1
        }
    }

    /// One plain gradient step: `p -= rate * g`.
    public static func sgd(
        parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, count: Int, rate: Float
    ) {
        var i = 0
        while i < count {
            parameters[i] = parameters[i] - rate * gradients[i]
            i &+= 1
        }
    }
}
