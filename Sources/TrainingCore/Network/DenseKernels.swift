/// The vectorised kernels of a dense layer on feature-major buffers (`width x count`, `count` a
/// multiple of 32): forward with fused activation, the softmax cross-entropy gradient, and the
/// weight and input gradients of the backward pass.
///
/// Each kernel keeps a 4 x 32 block of accumulators in registers and uses fused multiply-adds
/// (`addingProduct`), which need a `-target-cpu` with FMA to be fast (see README, CPU flags).
enum DenseKernels {
    typealias Vector = SIMD16<Float>

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inline(__always) static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    @inline(__always) static func activate(_ v: Vector, _ activation: Activation?) -> Vector {
        switch activation {
        case .none: v
        case .tanh: FastMath.tanh(v)
        case .relu: pointwiseMax(v, Vector.zero)
        }
    }

    /// `output[o, :] = act(bias[o] + sum_k weights[k, o] * input[k, :])`.
    static func forward(
        input: UnsafePointer<Float>, fanIn: Int, output: UnsafeMutablePointer<Float>, fanOut: Int,
        weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, count: Int, activation: Activation?
    ) {
        var o = 0
        while o + 4 <= fanOut {
            var base = 0
            while base < count {
                var a0 = Vector(repeating: bias[o]), b0 = a0
                var a1 = Vector(repeating: bias[o + 1]), b1 = a1
                var a2 = Vector(repeating: bias[o + 2]), b2 = a2
                var a3 = Vector(repeating: bias[o + 3]), b3 = a3
                var row = input + base
                var w = weights + o
                for _ in 0..<fanIn {
                    let x = load(row), y = load(row + 16)
                    let w0 = Vector(repeating: w[0]), w1 = Vector(repeating: w[1])
                    let w2 = Vector(repeating: w[2]), w3 = Vector(repeating: w[3])
                    a0.addProduct(x, w0); b0.addProduct(y, w0)
                    a1.addProduct(x, w1); b1.addProduct(y, w1)
                    a2.addProduct(x, w2); b2.addProduct(y, w2)
                    a3.addProduct(x, w3); b3.addProduct(y, w3)
                    row += count
                    w += fanOut
                }
                let out = output + o * count + base
                store(activate(a0, activation), out); store(activate(b0, activation), out + 16)
                store(activate(a1, activation), out + count); store(activate(b1, activation), out + count + 16)
                store(activate(a2, activation), out + 2 * count); store(activate(b2, activation), out + 2 * count + 16)
                store(activate(a3, activation), out + 3 * count); store(activate(b3, activation), out + 3 * count + 16)
                base += 32
            }
            o += 4
        }
        while o < fanOut {
            var base = 0
            while base < count {
                var a = Vector(repeating: bias[o]), b = a
                var row = input + base
                var w = weights + o
                for _ in 0..<fanIn {
                    let wv = Vector(repeating: w[0])
                    a.addProduct(load(row), wv)
                    b.addProduct(load(row + 16), wv)
                    row += count
                    w += fanOut
                }
                let out = output + o * count + base
                store(activate(a, activation), out)
                store(activate(b, activation), out + 16)
                base += 32
            }
            o += 1
        }
    }

    /// Writes `delta = weight * (softmax(logits) - onehot(label))` per point (the gradient of the
    /// weighted cross-entropy with respect to the logits); returns whether all logits were finite.
    static func softmaxCrossEntropyGradient(
        logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, weights: UnsafePointer<Float>,
        classes: Int, count: Int, delta: UnsafeMutablePointer<Float>
    ) -> Bool {
        var finiteProbe = Vector.zero
        var base = 0
        while base < count {
            var m = load(logits + base)
            finiteProbe += m
            for c in 1..<classes {
                let z = load(logits + c * count + base)
                finiteProbe += z
                m = pointwiseMax(m, z)
            }
            var s = Vector.zero
            for c in 0..<classes {
                let e = FastMath.exp(load(logits + c * count + base) - m)
                store(e, delta + c * count + base)
                s += e
            }
            let w = load(weights + base)
            let scale = w / s
            let label = UnsafeRawPointer(labels + base).loadUnaligned(as: SIMD16<Int32>.self)
            for c in 0..<classes {
                var d = load(delta + c * count + base) * scale
                d.replace(with: d - w, where: label .== Int32(c))
                store(d, delta + c * count + base)
            }
            base += 16
        }
        return finiteProbe.sum().isFinite
    }

    /// `weightGradient[k, o] = sum_n input[k, n] * delta[o, n]`, `biasGradient[o] = sum_n delta[o, n]`.
    static func weightGradient(
        input: UnsafePointer<Float>, fanIn: Int, delta: UnsafePointer<Float>, fanOut: Int, count: Int,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>
    ) {
        for o in 0..<fanOut {
            let d = delta + o * count
            var biasSum = Vector.zero
            var base = 0
            while base < count {
                biasSum += load(d + base)
                base += 16
            }
            biasGradient[o] = biasSum.sum()
            var k = 0
            while k + 4 <= fanIn {
                var a0 = Vector.zero, a1 = Vector.zero, a2 = Vector.zero, a3 = Vector.zero
                let x = input + k * count
                base = 0
                while base < count {
                    let dv = load(d + base)
                    a0.addProduct(load(x + base), dv)
                    a1.addProduct(load(x + count + base), dv)
                    a2.addProduct(load(x + 2 * count + base), dv)
                    a3.addProduct(load(x + 3 * count + base), dv)
                    base += 16
                }
                weightGradient[k * fanOut + o] = a0.sum()
                weightGradient[(k + 1) * fanOut + o] = a1.sum()
                weightGradient[(k + 2) * fanOut + o] = a2.sum()
                weightGradient[(k + 3) * fanOut + o] = a3.sum()
                k += 4
            }
            while k < fanIn {
                var a = Vector.zero
                let x = input + k * count
                base = 0
                while base < count {
                    a.addProduct(load(x + base), load(d + base))
                    base += 16
                }
                weightGradient[k * fanOut + o] = a.sum()
                k += 1
            }
        }
    }

    /// `output[k, n] = (sum_o weights[k, o] * delta[o, n]) * act'(k, n)`, where the derivative is
    /// read from the activation's output (`1 - h^2` for tanh, `h > 0` for relu); no activation
    /// gives the plain input gradient.
    static func inputGradient(
        delta: UnsafePointer<Float>, fanOut: Int, weights: UnsafePointer<Float>, fanIn: Int, count: Int,
        output: UnsafeMutablePointer<Float>, activation: Activation?, activationOutput: UnsafePointer<Float>
    ) {
        var k = 0
        while k < fanIn {
            let rows = Swift.min(4, fanIn - k)
            var base = 0
            while base < count {
                var a0 = Vector.zero, b0 = Vector.zero, a1 = Vector.zero, b1 = Vector.zero
                var a2 = Vector.zero, b2 = Vector.zero, a3 = Vector.zero, b3 = Vector.zero
                var d = delta + base
                let w = weights + k * fanOut
                if rows == 4 {
                    for o in 0..<fanOut {
                        let x = load(d), y = load(d + 16)
                        let w0 = Vector(repeating: w[o]), w1 = Vector(repeating: w[fanOut + o])
                        let w2 = Vector(repeating: w[2 * fanOut + o]), w3 = Vector(repeating: w[3 * fanOut + o])
                        a0.addProduct(x, w0); b0.addProduct(y, w0)
                        a1.addProduct(x, w1); b1.addProduct(y, w1)
                        a2.addProduct(x, w2); b2.addProduct(y, w2)
                        a3.addProduct(x, w3); b3.addProduct(y, w3)
                        d += count
                    }
                } else {
                    for o in 0..<fanOut {
                        let x = load(d), y = load(d + 16)
                        let w0 = Vector(repeating: w[o])
                        a0.addProduct(x, w0); b0.addProduct(y, w0)
                        if rows > 1 {
                            let w1 = Vector(repeating: w[fanOut + o])
                            a1.addProduct(x, w1); b1.addProduct(y, w1)
                        }
                        if rows > 2 {
                            let w2 = Vector(repeating: w[2 * fanOut + o])
                            a2.addProduct(x, w2); b2.addProduct(y, w2)
                        }
                        d += count
                    }
                }
                let out = output + k * count + base
                let h = activationOutput + k * count + base
                finish(a0, b0, out, h, activation)
                if rows > 1 { finish(a1, b1, out + count, h + count, activation) }
                if rows > 2 { finish(a2, b2, out + 2 * count, h + 2 * count, activation) }
                if rows > 3 { finish(a3, b3, out + 3 * count, h + 3 * count, activation) }
                base += 32
            }
            k += rows
        }
    }

    @inline(__always) private static func finish(
        _ a: Vector, _ b: Vector, _ out: UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>, _ activation: Activation?
    ) {
        switch activation {
        case .none:
            store(a, out); store(b, out + 16)
        case .tanh:
            let h0 = load(h), h1 = load(h + 16)
            let one = Vector(repeating: 1)
            store(a * (one - h0 * h0), out)
            store(b * (one - h1 * h1), out + 16)
        case .relu:
            let h0 = load(h), h1 = load(h + 16)
            store(Vector.zero.replacing(with: a, where: h0 .> 0), out)
            store(Vector.zero.replacing(with: b, where: h1 .> 0), out + 16)
        }
    }
}
