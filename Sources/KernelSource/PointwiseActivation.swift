/// A hidden-layer activation as a type, so that each dense kernel is specialised for it at compile
/// time (a runtime `switch` inside the kernels kept the compiler from inlining `tanh`).
protocol PointwiseActivation {
    /// `act(z)`.
    static func apply(_ z: Vector) -> Vector
    /// `g * act'(z)`, with the derivative read from the output `h = act(z)`.
    static func backward(_ g: Vector, output h: Vector) -> Vector
}

/// `tanh`, derivative `1 - h^2`.
enum TanhUnit: PointwiseActivation {
    @inline(__always) static func apply(_ z: Vector) -> Vector { FastMath.tanh(z) }
    @inline(__always) static func backward(_ g: Vector, output h: Vector) -> Vector {
        g * (Vector(repeating: 1) - h * h)
    }
}

/// `max(z, 0)`, derivative `h > 0`.
enum ReluUnit: PointwiseActivation {
    @inline(__always) static func apply(_ z: Vector) -> Vector {
        z.replacing(with: Vector.zero, where: z .< Vector.zero)
    }
    @inline(__always) static func backward(_ g: Vector, output h: Vector) -> Vector {
        Vector.zero.replacing(with: g, where: h .> Vector.zero)
    }
}

/// The identity: the linear output layer, and the input gradient of the first layer.
enum LinearUnit: PointwiseActivation {
    @inline(__always) static func apply(_ z: Vector) -> Vector { z }
    @inline(__always) static func backward(_ g: Vector, output h: Vector) -> Vector { g }
}

/// The activation codes of the public kernel entry points (the kernel modules cannot see
/// TrainingCore's `Activation`, which depends on them).
public enum ActivationCode {
    public static let linear = 0
    public static let tanh = 1
    public static let relu = 2
}
