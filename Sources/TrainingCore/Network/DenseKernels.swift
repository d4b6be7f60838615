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

    /// `output[o, :] = act(bias[o] + sum_k weights[k, o] * input[k, :])`.
    static func forward(
        input: UnsafePointer<Float>, fanIn: Int, output: UnsafeMutablePointer<Float>, fanOut: Int,
        weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, count: Int, activation: Activation?
    ) {
        switch activation {
        case .none: forward(input, fanIn, output, fanOut, weights, bias, count, LinearUnit.self)
        case .tanh: forward(input, fanIn, output, fanOut, weights, bias, count, TanhUnit.self)
        case .relu: forward(input, fanIn, output, fanOut, weights, bias, count, ReluUnit.self)
        }
    }

    private static func forward<A: PointwiseActivation>(
        _ input: UnsafePointer<Float>, _ fanIn: Int, _ output: UnsafeMutablePointer<Float>, _ fanOut: Int,
        _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>, _ count: Int, _: A.Type
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
                store(A.apply(a0), out); store(A.apply(b0), out + 16)
                store(A.apply(a1), out + count); store(A.apply(b1), out + count + 16)
                store(A.apply(a2), out + 2 * count); store(A.apply(b2), out + 2 * count + 16)
                store(A.apply(a3), out + 3 * count); store(A.apply(b3), out + 3 * count + 16)
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
                store(A.apply(a), out)
                store(A.apply(b), out + 16)
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
                m = FastMath.maximum(m, z)
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
        return horizontalSum(finiteProbe).isFinite
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
            biasGradient[o] = horizontalSum(biasSum)
        }
        var o = 0
        while o < fanOut {
            let pair = o + 1 < fanOut
            let d0 = delta + o * count
            let d1 = pair ? d0 + count : d0
            var k = 0
            while k < fanIn {
                let rows = Swift.min(4, fanIn - k)
                let x0 = input + k * count
                let x1 = rows > 1 ? x0 + count : x0
                let x2 = rows > 2 ? x0 + 2 * count : x0
                let x3 = rows > 3 ? x0 + 3 * count : x0
                var a0 = Vector.zero, a1 = Vector.zero, a2 = Vector.zero, a3 = Vector.zero
                var b0 = Vector.zero, b1 = Vector.zero, b2 = Vector.zero, b3 = Vector.zero
                var base = 0
                while base < count {
                    let e0 = load(d0 + base), e1 = load(d1 + base)
                    let v0 = load(x0 + base), v1 = load(x1 + base), v2 = load(x2 + base), v3 = load(x3 + base)
                    a0.addProduct(v0, e0); b0.addProduct(v0, e1)
                    a1.addProduct(v1, e0); b1.addProduct(v1, e1)
                    a2.addProduct(v2, e0); b2.addProduct(v2, e1)
                    a3.addProduct(v3, e0); b3.addProduct(v3, e1)
                    base += 16
                }
                let g = weightGradient + k * fanOut + o
                g[0] = horizontalSum(a0)
                if rows > 1 { g[fanOut] = horizontalSum(a1) }
                if rows > 2 { g[2 * fanOut] = horizontalSum(a2) }
                if rows > 3 { g[3 * fanOut] = horizontalSum(a3) }
                if pair {
                    g[1] = horizontalSum(b0)
                    if rows > 1 { g[fanOut + 1] = horizontalSum(b1) }
                    if rows > 2 { g[2 * fanOut + 1] = horizontalSum(b2) }
                    if rows > 3 { g[3 * fanOut + 1] = horizontalSum(b3) }
                }
                k += rows
            }
            o += pair ? 2 : 1
        }
    }

    /// The sum of the 16 lanes by halving (a fixed order, so results are reproducible).
    @inline(__always) static func horizontalSum(_ v: Vector) -> Float {
        let h8 = v.lowHalf + v.highHalf
        let h4 = h8.lowHalf + h8.highHalf
        let h2 = h4.lowHalf + h4.highHalf
        return h2.x + h2.y
    }

    /// `output[k, n] = (sum_o weights[k, o] * delta[o, n]) * act'(k, n)`, where the derivative is
    /// read from the activation's output (`1 - h^2` for tanh, `h > 0` for relu); no activation
    /// gives the plain input gradient.
    static func inputGradient(
        delta: UnsafePointer<Float>, fanOut: Int, weights: UnsafePointer<Float>, fanIn: Int, count: Int,
        output: UnsafeMutablePointer<Float>, activation: Activation?, activationOutput: UnsafePointer<Float>
    ) {
        switch activation {
        case .none: inputGradient(delta, fanOut, weights, fanIn, count, output, activationOutput, LinearUnit.self)
        case .tanh: inputGradient(delta, fanOut, weights, fanIn, count, output, activationOutput, TanhUnit.self)
        case .relu: inputGradient(delta, fanOut, weights, fanIn, count, output, activationOutput, ReluUnit.self)
        }
    }

    private static func inputGradient<A: PointwiseActivation>(
        _ delta: UnsafePointer<Float>, _ fanOut: Int, _ weights: UnsafePointer<Float>, _ fanIn: Int, _ count: Int,
        _ output: UnsafeMutablePointer<Float>, _ activationOutput: UnsafePointer<Float>, _: A.Type
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
                finish(a0, b0, out, h, A.self)
                if rows > 1 { finish(a1, b1, out + count, h + count, A.self) }
                if rows > 2 { finish(a2, b2, out + 2 * count, h + 2 * count, A.self) }
                if rows > 3 { finish(a3, b3, out + 3 * count, h + 3 * count, A.self) }
                base += 32
            }
            k += rows
        }
    }

    @inline(__always) private static func finish<A: PointwiseActivation>(
        _ a: Vector, _ b: Vector, _ out: UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>, _: A.Type
    ) {
        store(A.backward(a, output: load(h)), out)
        store(A.backward(b, output: load(h + 16)), out + 16)
    }
}
