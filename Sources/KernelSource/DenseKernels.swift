/// The vectorised kernels of a dense layer on feature-major buffers (`width x count`, `count` a
/// multiple of 32): forward with fused activation, the softmax cross-entropy gradient, the weight
/// and input gradients of the backward pass, and the update of the points.
///
/// Each kernel keeps a block of `4 x 2` vectors of accumulators in registers (one vector is one
/// machine register in every family, see `Lanes.swift`) and uses `multiplyAdd`.
public enum DenseKernels {
    /// `output[o, :] = act(bias[o] + sum_k weights[k, o] * input[k, :])`; `activation` is an
    /// `ActivationCode`.
    public static func forward(
        input: UnsafePointer<Float>, fanIn: Int, output: UnsafeMutablePointer<Float>, fanOut: Int,
        weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, count: Int, activation: Int
    ) {
        switch activation {
        case ActivationCode.tanh: forward(input, fanIn, output, fanOut, weights, bias, count, TanhUnit.self)
        case ActivationCode.relu: forward(input, fanIn, output, fanOut, weights, bias, count, ReluUnit.self)
        default: forward(input, fanIn, output, fanOut, weights, bias, count, LinearUnit.self)
        }
    }

    private static func forward<A: PointwiseActivation>(
        _ input: UnsafePointer<Float>, _ fanIn: Int, _ output: UnsafeMutablePointer<Float>, _ fanOut: Int,
        _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>, _ count: Int, _: A.Type
    ) {
        let step = 2 * lanes
        var o = 0
        #if KERNELS_AVX512
        // 32 registers: 8 outputs x 2 vectors of accumulators, so the input is read half as often.
        while o + 8 <= fanOut {
            var base = 0
            while base < count {
                var a0 = Vector(repeating: bias[o]), b0 = a0
                var a1 = Vector(repeating: bias[o + 1]), b1 = a1
                var a2 = Vector(repeating: bias[o + 2]), b2 = a2
                var a3 = Vector(repeating: bias[o + 3]), b3 = a3
                var a4 = Vector(repeating: bias[o + 4]), b4 = a4
                var a5 = Vector(repeating: bias[o + 5]), b5 = a5
                var a6 = Vector(repeating: bias[o + 6]), b6 = a6
                var a7 = Vector(repeating: bias[o + 7]), b7 = a7
                var row = input + base
                var w = weights + o
                for _ in 0..<fanIn {
                    let x = load(row), y = load(row + lanes)
                    var wv = Vector(repeating: w[0])
                    multiplyAdd(&a0, x, wv); multiplyAdd(&b0, y, wv)
                    wv = Vector(repeating: w[1])
                    multiplyAdd(&a1, x, wv); multiplyAdd(&b1, y, wv)
                    wv = Vector(repeating: w[2])
                    multiplyAdd(&a2, x, wv); multiplyAdd(&b2, y, wv)
                    wv = Vector(repeating: w[3])
                    multiplyAdd(&a3, x, wv); multiplyAdd(&b3, y, wv)
                    wv = Vector(repeating: w[4])
                    multiplyAdd(&a4, x, wv); multiplyAdd(&b4, y, wv)
                    wv = Vector(repeating: w[5])
                    multiplyAdd(&a5, x, wv); multiplyAdd(&b5, y, wv)
                    wv = Vector(repeating: w[6])
                    multiplyAdd(&a6, x, wv); multiplyAdd(&b6, y, wv)
                    wv = Vector(repeating: w[7])
                    multiplyAdd(&a7, x, wv); multiplyAdd(&b7, y, wv)
                    row += count
                    w += fanOut
                }
                var out = output + o * count + base
                store(A.apply(a0), out); store(A.apply(b0), out + lanes); out += count
                store(A.apply(a1), out); store(A.apply(b1), out + lanes); out += count
                store(A.apply(a2), out); store(A.apply(b2), out + lanes); out += count
                store(A.apply(a3), out); store(A.apply(b3), out + lanes); out += count
                store(A.apply(a4), out); store(A.apply(b4), out + lanes); out += count
                store(A.apply(a5), out); store(A.apply(b5), out + lanes); out += count
                store(A.apply(a6), out); store(A.apply(b6), out + lanes); out += count
                store(A.apply(a7), out); store(A.apply(b7), out + lanes)
                base += step
            }
            o += 8
        }
        #elseif KERNELS_AVX2
        // 16 registers: 6 outputs x 2 vectors of accumulators, 2 inputs and 1 weight.
        while o + 6 <= fanOut {
            var base = 0
            while base < count {
                var a0 = Vector(repeating: bias[o]), b0 = a0
                var a1 = Vector(repeating: bias[o + 1]), b1 = a1
                var a2 = Vector(repeating: bias[o + 2]), b2 = a2
                var a3 = Vector(repeating: bias[o + 3]), b3 = a3
                var a4 = Vector(repeating: bias[o + 4]), b4 = a4
                var a5 = Vector(repeating: bias[o + 5]), b5 = a5
                var row = input + base
                var w = weights + o
                for _ in 0..<fanIn {
                    let x = load(row), y = load(row + lanes)
                    var wv = Vector(repeating: w[0])
                    multiplyAdd(&a0, x, wv); multiplyAdd(&b0, y, wv)
                    wv = Vector(repeating: w[1])
                    multiplyAdd(&a1, x, wv); multiplyAdd(&b1, y, wv)
                    wv = Vector(repeating: w[2])
                    multiplyAdd(&a2, x, wv); multiplyAdd(&b2, y, wv)
                    wv = Vector(repeating: w[3])
                    multiplyAdd(&a3, x, wv); multiplyAdd(&b3, y, wv)
                    wv = Vector(repeating: w[4])
                    multiplyAdd(&a4, x, wv); multiplyAdd(&b4, y, wv)
                    wv = Vector(repeating: w[5])
                    multiplyAdd(&a5, x, wv); multiplyAdd(&b5, y, wv)
                    row += count
                    w += fanOut
                }
                var out = output + o * count + base
                store(A.apply(a0), out); store(A.apply(b0), out + lanes); out += count
                store(A.apply(a1), out); store(A.apply(b1), out + lanes); out += count
                store(A.apply(a2), out); store(A.apply(b2), out + lanes); out += count
                store(A.apply(a3), out); store(A.apply(b3), out + lanes); out += count
                store(A.apply(a4), out); store(A.apply(b4), out + lanes); out += count
                store(A.apply(a5), out); store(A.apply(b5), out + lanes)
                base += step
            }
            o += 6
        }
        #endif
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
                    let x = load(row), y = load(row + lanes)
                    let w0 = Vector(repeating: w[0]), w1 = Vector(repeating: w[1])
                    let w2 = Vector(repeating: w[2]), w3 = Vector(repeating: w[3])
                    multiplyAdd(&a0, x, w0); multiplyAdd(&b0, y, w0)
                    multiplyAdd(&a1, x, w1); multiplyAdd(&b1, y, w1)
                    multiplyAdd(&a2, x, w2); multiplyAdd(&b2, y, w2)
                    multiplyAdd(&a3, x, w3); multiplyAdd(&b3, y, w3)
                    row += count
                    w += fanOut
                }
                let out = output + o * count + base
                store(A.apply(a0), out); store(A.apply(b0), out + lanes)
                store(A.apply(a1), out + count); store(A.apply(b1), out + count + lanes)
                store(A.apply(a2), out + 2 * count); store(A.apply(b2), out + 2 * count + lanes)
                store(A.apply(a3), out + 3 * count); store(A.apply(b3), out + 3 * count + lanes)
                base += step
            }
            o += 4
        }
        if fanOut - o == 3 {
            // The output layer (3 classes): one pass with 6 independent chains, not three passes
            // with 2 (each output still sums in the same order, so the values are the same).
            var base = 0
            while base < count {
                var a0 = Vector(repeating: bias[o]), b0 = a0
                var a1 = Vector(repeating: bias[o + 1]), b1 = a1
                var a2 = Vector(repeating: bias[o + 2]), b2 = a2
                var row = input + base
                var w = weights + o
                for _ in 0..<fanIn {
                    let x = load(row), y = load(row + lanes)
                    let w0 = Vector(repeating: w[0]), w1 = Vector(repeating: w[1]), w2 = Vector(repeating: w[2])
                    multiplyAdd(&a0, x, w0); multiplyAdd(&b0, y, w0)
                    multiplyAdd(&a1, x, w1); multiplyAdd(&b1, y, w1)
                    multiplyAdd(&a2, x, w2); multiplyAdd(&b2, y, w2)
                    row += count
                    w += fanOut
                }
                let out = output + o * count + base
                store(A.apply(a0), out); store(A.apply(b0), out + lanes)
                store(A.apply(a1), out + count); store(A.apply(b1), out + count + lanes)
                store(A.apply(a2), out + 2 * count); store(A.apply(b2), out + 2 * count + lanes)
                base += step
            }
            o += 3
        }
        while o < fanOut {
            var base = 0
            while base < count {
                var a = Vector(repeating: bias[o]), b = a
                var row = input + base
                var w = weights + o
                for _ in 0..<fanIn {
                    let wv = Vector(repeating: w[0])
                    multiplyAdd(&a, load(row), wv)
                    multiplyAdd(&b, load(row + lanes), wv)
                    row += count
                    w += fanOut
                }
                let out = output + o * count + base
                store(A.apply(a), out)
                store(A.apply(b), out + lanes)
                base += step
            }
            o += 1
        }
    }

    /// Writes `delta = weight * (softmax(logits) - onehot(label))` per point (the gradient of the
    /// weighted cross-entropy with respect to the logits); returns whether all logits were finite.
    public static func softmaxCrossEntropyGradient(
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
            let label = UnsafeRawPointer(labels + base).loadUnaligned(as: IntVector.self)
            for c in 0..<classes {
                var d = load(delta + c * count + base) * scale
                d.replace(with: d - w, where: label .== IntVector(repeating: Int32(c)))
                store(d, delta + c * count + base)
            }
            base += lanes
        }
        return horizontalSum(finiteProbe).isFinite
    }

    /// `weightGradient[k, o] = sum_n input[k, n] * delta[o, n]`, `biasGradient[o] = sum_n delta[o, n]`.
    public static func weightGradient(
        input: UnsafePointer<Float>, fanIn: Int, delta: UnsafePointer<Float>, fanOut: Int, count: Int,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>
    ) {
        for o in 0..<fanOut {
            let d = delta + o * count
            var biasSum = Vector.zero
            var base = 0
            while base < count {
                biasSum += load(d + base)
                base += lanes
            }
            biasGradient[o] = horizontalSum(biasSum)
        }
        var o = 0
        #if KERNELS_AVX512
        // 2 input rows x 8 outputs of accumulators (16 of 32 registers): each input row is read
        // fanOut / 8 times instead of fanOut / 2. Each sum runs in the same order as below.
        while o + 8 <= fanOut {
            var k = 0
            while k + 2 <= fanIn {
                let x0 = input + k * count, x1 = x0 + count
                let d = delta + o * count
                var a0 = Vector.zero, a1 = Vector.zero, a2 = Vector.zero, a3 = Vector.zero
                var a4 = Vector.zero, a5 = Vector.zero, a6 = Vector.zero, a7 = Vector.zero
                var b0 = Vector.zero, b1 = Vector.zero, b2 = Vector.zero, b3 = Vector.zero
                var b4 = Vector.zero, b5 = Vector.zero, b6 = Vector.zero, b7 = Vector.zero
                var base = 0
                while base < count {
                    let v0 = load(x0 + base), v1 = load(x1 + base)
                    var e = load(d + base)
                    multiplyAdd(&a0, v0, e); multiplyAdd(&b0, v1, e)
                    e = load(d + count + base)
                    multiplyAdd(&a1, v0, e); multiplyAdd(&b1, v1, e)
                    e = load(d + 2 * count + base)
                    multiplyAdd(&a2, v0, e); multiplyAdd(&b2, v1, e)
                    e = load(d + 3 * count + base)
                    multiplyAdd(&a3, v0, e); multiplyAdd(&b3, v1, e)
                    e = load(d + 4 * count + base)
                    multiplyAdd(&a4, v0, e); multiplyAdd(&b4, v1, e)
                    e = load(d + 5 * count + base)
                    multiplyAdd(&a5, v0, e); multiplyAdd(&b5, v1, e)
                    e = load(d + 6 * count + base)
                    multiplyAdd(&a6, v0, e); multiplyAdd(&b6, v1, e)
                    e = load(d + 7 * count + base)
                    multiplyAdd(&a7, v0, e); multiplyAdd(&b7, v1, e)
                    base += lanes
                }
                let g = weightGradient + k * fanOut + o
                g[0] = horizontalSum(a0); g[1] = horizontalSum(a1); g[2] = horizontalSum(a2); g[3] = horizontalSum(a3)
                g[4] = horizontalSum(a4); g[5] = horizontalSum(a5); g[6] = horizontalSum(a6); g[7] = horizontalSum(a7)
                let h = g + fanOut
                h[0] = horizontalSum(b0); h[1] = horizontalSum(b1); h[2] = horizontalSum(b2); h[3] = horizontalSum(b3)
                h[4] = horizontalSum(b4); h[5] = horizontalSum(b5); h[6] = horizontalSum(b6); h[7] = horizontalSum(b7)
                k += 2
            }
            if k < fanIn {
                // An odd last row: the pair tiles below, for these 8 outputs and that row only.
                weightGradientTiles(input: input + k * count, fanIn: fanIn - k, delta: delta, o: o, oEnd: o + 8,
                                    fanOut: fanOut, count: count, weightGradient: weightGradient + k * fanOut)
            }
            o += 8
        }
        #elseif KERNELS_AVX2
        // 2 input rows x 6 outputs (12 of 16 registers): each input row is read fanOut / 6 times.
        while o + 6 <= fanOut {
            var k = 0
            while k + 2 <= fanIn {
                let x0 = input + k * count, x1 = x0 + count
                let d = delta + o * count
                var a0 = Vector.zero, a1 = Vector.zero, a2 = Vector.zero, a3 = Vector.zero, a4 = Vector.zero, a5 = Vector.zero
                var b0 = Vector.zero, b1 = Vector.zero, b2 = Vector.zero, b3 = Vector.zero, b4 = Vector.zero, b5 = Vector.zero
                var base = 0
                while base < count {
                    let v0 = load(x0 + base), v1 = load(x1 + base)
                    var e = load(d + base)
                    multiplyAdd(&a0, v0, e); multiplyAdd(&b0, v1, e)
                    e = load(d + count + base)
                    multiplyAdd(&a1, v0, e); multiplyAdd(&b1, v1, e)
                    e = load(d + 2 * count + base)
                    multiplyAdd(&a2, v0, e); multiplyAdd(&b2, v1, e)
                    e = load(d + 3 * count + base)
                    multiplyAdd(&a3, v0, e); multiplyAdd(&b3, v1, e)
                    e = load(d + 4 * count + base)
                    multiplyAdd(&a4, v0, e); multiplyAdd(&b4, v1, e)
                    e = load(d + 5 * count + base)
                    multiplyAdd(&a5, v0, e); multiplyAdd(&b5, v1, e)
                    base += lanes
                }
                let g = weightGradient + k * fanOut + o
                g[0] = horizontalSum(a0); g[1] = horizontalSum(a1); g[2] = horizontalSum(a2)
                g[3] = horizontalSum(a3); g[4] = horizontalSum(a4); g[5] = horizontalSum(a5)
                let h = g + fanOut
                h[0] = horizontalSum(b0); h[1] = horizontalSum(b1); h[2] = horizontalSum(b2)
                h[3] = horizontalSum(b3); h[4] = horizontalSum(b4); h[5] = horizontalSum(b5)
                k += 2
            }
            if k < fanIn {
                weightGradientTiles(input: input + k * count, fanIn: fanIn - k, delta: delta, o: o, oEnd: o + 6,
                                    fanOut: fanOut, count: count, weightGradient: weightGradient + k * fanOut)
            }
            o += 6
        }
        #endif
        weightGradientTiles(input: input, fanIn: fanIn, delta: delta, o: o, oEnd: fanOut, fanOut: fanOut,
                            count: count, weightGradient: weightGradient)
    }

    /// The weight gradient of outputs `o..<oEnd` in tiles of 4 input rows x 2 outputs (edge tiles
    /// smaller).
    @inline(__always)
    private static func weightGradientTiles(
        input: UnsafePointer<Float>, fanIn: Int, delta: UnsafePointer<Float>, o start: Int, oEnd: Int,
        fanOut: Int, count: Int, weightGradient: UnsafeMutablePointer<Float>
    ) {
        var o = start
        while o < oEnd {
            let pair = o + 1 < oEnd
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
                if rows <= 2 && pair {
                    // Edge tiles (e.g. the first layer at D = 2) compute only what they keep; each
                    // sum runs in the same order as in the full tile.
                    while base < count {
                        let e0 = load(d0 + base), e1 = load(d1 + base)
                        let v0 = load(x0 + base), v1 = load(x1 + base)
                        multiplyAdd(&a0, v0, e0); multiplyAdd(&b0, v0, e1)
                        multiplyAdd(&a1, v1, e0); multiplyAdd(&b1, v1, e1)
                        base += lanes
                    }
                } else if !pair {
                    while base < count {
                        let e0 = load(d0 + base)
                        multiplyAdd(&a0, load(x0 + base), e0); multiplyAdd(&a1, load(x1 + base), e0)
                        multiplyAdd(&a2, load(x2 + base), e0); multiplyAdd(&a3, load(x3 + base), e0)
                        base += lanes
                    }
                } else {
                    while base < count {
                        let e0 = load(d0 + base), e1 = load(d1 + base)
                        let v0 = load(x0 + base), v1 = load(x1 + base), v2 = load(x2 + base), v3 = load(x3 + base)
                        multiplyAdd(&a0, v0, e0); multiplyAdd(&b0, v0, e1)
                        multiplyAdd(&a1, v1, e0); multiplyAdd(&b1, v1, e1)
                        multiplyAdd(&a2, v2, e0); multiplyAdd(&b2, v2, e1)
                        multiplyAdd(&a3, v3, e0); multiplyAdd(&b3, v3, e1)
                        base += lanes
                    }
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

    /// `output[k, n] = (sum_o weights[k, o] * delta[o, n]) * act'(k, n)`, where the derivative is
    /// read from the activation's output (`1 - h^2` for tanh, `h > 0` for relu); `linear` gives
    /// the plain input gradient.
    public static func inputGradient(
        delta: UnsafePointer<Float>, fanOut: Int, weights: UnsafePointer<Float>, fanIn: Int, count: Int,
        output: UnsafeMutablePointer<Float>, activation: Int, activationOutput: UnsafePointer<Float>
    ) {
        switch activation {
        case ActivationCode.tanh: inputGradient(delta, fanOut, weights, fanIn, count, output, activationOutput, TanhUnit.self)
        case ActivationCode.relu: inputGradient(delta, fanOut, weights, fanIn, count, output, activationOutput, ReluUnit.self)
        default: inputGradient(delta, fanOut, weights, fanIn, count, output, activationOutput, LinearUnit.self)
        }
    }

    private static func inputGradient<A: PointwiseActivation>(
        _ delta: UnsafePointer<Float>, _ fanOut: Int, _ weights: UnsafePointer<Float>, _ fanIn: Int, _ count: Int,
        _ output: UnsafeMutablePointer<Float>, _ activationOutput: UnsafePointer<Float>, _: A.Type
    ) {
        let step = 2 * lanes
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
                        let x = load(d), y = load(d + lanes)
                        let w0 = Vector(repeating: w[o]), w1 = Vector(repeating: w[fanOut + o])
                        let w2 = Vector(repeating: w[2 * fanOut + o]), w3 = Vector(repeating: w[3 * fanOut + o])
                        multiplyAdd(&a0, x, w0); multiplyAdd(&b0, y, w0)
                        multiplyAdd(&a1, x, w1); multiplyAdd(&b1, y, w1)
                        multiplyAdd(&a2, x, w2); multiplyAdd(&b2, y, w2)
                        multiplyAdd(&a3, x, w3); multiplyAdd(&b3, y, w3)
                        d += count
                    }
                } else {
                    for o in 0..<fanOut {
                        let x = load(d), y = load(d + lanes)
                        let w0 = Vector(repeating: w[o])
                        multiplyAdd(&a0, x, w0); multiplyAdd(&b0, y, w0)
                        if rows > 1 {
                            let w1 = Vector(repeating: w[fanOut + o])
                            multiplyAdd(&a1, x, w1); multiplyAdd(&b1, y, w1)
                        }
                        if rows > 2 {
                            let w2 = Vector(repeating: w[2 * fanOut + o])
                            multiplyAdd(&a2, x, w2); multiplyAdd(&b2, y, w2)
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
                base += step
            }
            k += rows
        }
    }

    @inline(__always) private static func finish<A: PointwiseActivation>(
        _ a: Vector, _ b: Vector, _ out: UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>, _: A.Type
    ) {
        store(A.backward(a, output: load(h)), out)
        store(A.backward(b, output: load(h + lanes)), out + lanes)
    }

    /// `points -= step * gradient` over `count` floats (a multiple of 16); returns whether every
    /// result is finite.
    public static func updatePoints(
        points: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>, count: Int, step: Float
    ) -> Bool {
        let s = Vector(repeating: step)
        var sum = Vector.zero
        var i = 0
        while i < count {
            let x = load(points + i) - s * load(gradient + i)
            store(x, points + i)
            sum += x
            i += lanes
        }
        return horizontalSum(sum).isFinite
    }
}
