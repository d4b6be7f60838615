import CPrefetch

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
        input: UnsafePointer<Float>, inputStride: Int, fanIn: Int, output: UnsafeMutablePointer<Float>,
        outputStride: Int, fanOut: Int, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, count: Int,
        activation: Int
    ) {
        // Many inputs (D = 1024): strips of 64 points through all outputs, so that a strip's
        // input rows are read from memory once and then from cache for every block of outputs
        // (each output point is computed alone, so the values do not change).
        let strip = fanIn > 64 ? 4 * lanes : count
        var start = 0
        while start < count {
            let n = Swift.min(strip, count - start)
            let (x, i, y, o) = (input + start, inputStride, output + start, outputStride)
            // Rows 4 KiB or more apart each sit on a page of their own, and the hardware
            // prefetchers stop at page boundaries: every row of a strip would miss the cache on
            // its first read, with only a few rows' loads in flight. So the first pass over a
            // strip prefetches the next strip's part of each row (the last strip's, the next
            // chunk's: the same rows; a prefetch past the buffer is harmless). At N = 5000,
            // D = 1024 this took the step from 48% to 59-64% of peak (README "Speed and CPU
            // flags"); with rows closer than that (N = 500) the hardware keeps up on its own.
            let ahead = fanIn > 64 && inputStride * MemoryLayout<Float>.stride >= 4096 ? strip : 0
            switch activation {
            case ActivationCode.tanh: forward(x, i, fanIn, y, o, fanOut, weights, bias, n, TanhUnit.self, ahead)
            case ActivationCode.relu: forward(x, i, fanIn, y, o, fanOut, weights, bias, n, ReluUnit.self, ahead)
            default: forward(x, i, fanIn, y, o, fanOut, weights, bias, n, LinearUnit.self, ahead)
            }
            start += n
        }
    }

    /// `ahead`: when not 0, the first block of outputs prefetches each input row `ahead` floats
    /// further on (the next strip's part), see the public `forward`.
    private static func forward<A: PointwiseActivation>(
        _ input: UnsafePointer<Float>, _ inputStride: Int, _ fanIn: Int, _ output: UnsafeMutablePointer<Float>,
        _ outputStride: Int, _ fanOut: Int,
        _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>, _ count: Int, _: A.Type, _ ahead: Int = 0
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
                let prefetching = ahead != 0 && o == 0
                for _ in 0..<fanIn {
                    if prefetching { prefetchLines(row + ahead, step) }
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
                    row += inputStride
                    w += fanOut
                }
                var out = output + o * outputStride + base
                store(A.apply(a0), out); store(A.apply(b0), out + lanes); out += outputStride
                store(A.apply(a1), out); store(A.apply(b1), out + lanes); out += outputStride
                store(A.apply(a2), out); store(A.apply(b2), out + lanes); out += outputStride
                store(A.apply(a3), out); store(A.apply(b3), out + lanes); out += outputStride
                store(A.apply(a4), out); store(A.apply(b4), out + lanes); out += outputStride
                store(A.apply(a5), out); store(A.apply(b5), out + lanes); out += outputStride
                store(A.apply(a6), out); store(A.apply(b6), out + lanes); out += outputStride
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
                let prefetching = ahead != 0 && o == 0
                for _ in 0..<fanIn {
                    if prefetching { prefetchLines(row + ahead, step) }
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
                    row += inputStride
                    w += fanOut
                }
                var out = output + o * outputStride + base
                store(A.apply(a0), out); store(A.apply(b0), out + lanes); out += outputStride
                store(A.apply(a1), out); store(A.apply(b1), out + lanes); out += outputStride
                store(A.apply(a2), out); store(A.apply(b2), out + lanes); out += outputStride
                store(A.apply(a3), out); store(A.apply(b3), out + lanes); out += outputStride
                store(A.apply(a4), out); store(A.apply(b4), out + lanes); out += outputStride
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
                let prefetching = ahead != 0 && o == 0
                for _ in 0..<fanIn {
                    if prefetching { prefetchLines(row + ahead, step) }
                    let x = load(row), y = load(row + lanes)
                    let w0 = Vector(repeating: w[0]), w1 = Vector(repeating: w[1])
                    let w2 = Vector(repeating: w[2]), w3 = Vector(repeating: w[3])
                    multiplyAdd(&a0, x, w0); multiplyAdd(&b0, y, w0)
                    multiplyAdd(&a1, x, w1); multiplyAdd(&b1, y, w1)
                    multiplyAdd(&a2, x, w2); multiplyAdd(&b2, y, w2)
                    multiplyAdd(&a3, x, w3); multiplyAdd(&b3, y, w3)
                    row += inputStride
                    w += fanOut
                }
                let out = output + o * outputStride + base
                store(A.apply(a0), out); store(A.apply(b0), out + lanes)
                store(A.apply(a1), out + outputStride); store(A.apply(b1), out + outputStride + lanes)
                store(A.apply(a2), out + 2 * outputStride); store(A.apply(b2), out + 2 * outputStride + lanes)
                store(A.apply(a3), out + 3 * outputStride); store(A.apply(b3), out + 3 * outputStride + lanes)
                base += step
            }
            o += 4
        }
        if fanOut - o == 3 {
            // The output layer (3 classes): one pass with 6 independent chains, not three passes
            // with 2 (each output still sums in the same order, so the values are the same); 4
            // vectors of points at a time while they last, 12 chains.
            var base = 0
            while base + 2 * step <= count {
                var a0 = Vector(repeating: bias[o]), b0 = a0, c0 = a0, e0 = a0
                var a1 = Vector(repeating: bias[o + 1]), b1 = a1, c1 = a1, e1 = a1
                var a2 = Vector(repeating: bias[o + 2]), b2 = a2, c2 = a2, e2 = a2
                var row = input + base
                var w = weights + o
                for _ in 0..<fanIn {
                    let x = load(row), y = load(row + lanes), z = load(row + 2 * lanes), t = load(row + 3 * lanes)
                    let w0 = Vector(repeating: w[0]), w1 = Vector(repeating: w[1]), w2 = Vector(repeating: w[2])
                    multiplyAdd(&a0, x, w0); multiplyAdd(&b0, y, w0); multiplyAdd(&c0, z, w0); multiplyAdd(&e0, t, w0)
                    multiplyAdd(&a1, x, w1); multiplyAdd(&b1, y, w1); multiplyAdd(&c1, z, w1); multiplyAdd(&e1, t, w1)
                    multiplyAdd(&a2, x, w2); multiplyAdd(&b2, y, w2); multiplyAdd(&c2, z, w2); multiplyAdd(&e2, t, w2)
                    row += inputStride
                    w += fanOut
                }
                let out = output + o * outputStride + base
                store(A.apply(a0), out); store(A.apply(b0), out + lanes)
                store(A.apply(c0), out + step); store(A.apply(e0), out + step + lanes)
                store(A.apply(a1), out + outputStride); store(A.apply(b1), out + outputStride + lanes)
                store(A.apply(c1), out + outputStride + step); store(A.apply(e1), out + outputStride + step + lanes)
                store(A.apply(a2), out + 2 * outputStride); store(A.apply(b2), out + 2 * outputStride + lanes)
                store(A.apply(c2), out + 2 * outputStride + step); store(A.apply(e2), out + 2 * outputStride + step + lanes)
                base += 2 * step
            }
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
                    row += inputStride
                    w += fanOut
                }
                let out = output + o * outputStride + base
                store(A.apply(a0), out); store(A.apply(b0), out + lanes)
                store(A.apply(a1), out + outputStride); store(A.apply(b1), out + outputStride + lanes)
                store(A.apply(a2), out + 2 * outputStride); store(A.apply(b2), out + 2 * outputStride + lanes)
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
                    row += inputStride
                    w += fanOut
                }
                let out = output + o * outputStride + base
                store(A.apply(a), out)
                store(A.apply(b), out + lanes)
                base += step
            }
            o += 1
        }
    }

    /// Prefetches the cache lines of `count` floats from `p` into every cache level.
    @inline(__always)
    private static func prefetchLines(_ p: UnsafePointer<Float>, _ count: Int) {
        var offset = 0
        while offset < count {
            cprefetch_read(p + offset)
            offset += 16
        }
    }

    /// Writes `delta = weight * (softmax(logits) - onehot(label))` per point (the gradient of the
    /// weighted cross-entropy with respect to the logits) and adds the logits to `probe` (`lanes`
    /// floats, carried from chunk to chunk of the points, so the sum runs in one order however the
    /// points are cut); returns whether the lanes of `probe` sum to a finite value, that is,
    /// whether all logits so far were finite.
    public static func softmaxCrossEntropyGradient(
        logits: UnsafePointer<Float>, logitStride: Int, labels: UnsafePointer<Int32>, weights: UnsafePointer<Float>,
        classes: Int, count: Int, delta: UnsafeMutablePointer<Float>, deltaStride: Int,
        probe: UnsafeMutablePointer<Float>
    ) -> Bool {
        var finiteProbe = load(probe)
        var base = 0
        while base < count {
            var m = load(logits + base)
            finiteProbe += m
            for c in 1..<classes {
                let z = load(logits + c * logitStride + base)
                finiteProbe += z
                m = FastMath.maximum(m, z)
            }
            var s = Vector.zero
            for c in 0..<classes {
                let e = FastMath.exp(load(logits + c * logitStride + base) - m)
                store(e, delta + c * deltaStride + base)
                s += e
            }
            let w = load(weights + base)
            let scale = w / s
            let label = UnsafeRawPointer(labels + base).loadUnaligned(as: IntVector.self)
            for c in 0..<classes {
                var d = load(delta + c * deltaStride + base) * scale
                d.replace(with: d - w, where: label .== IntVector(repeating: Int32(c)))
                store(d, delta + c * deltaStride + base)
            }
            base += lanes
        }
        store(finiteProbe, probe)
        return horizontalSum(finiteProbe).isFinite
    }

    /// Adds the weight and bias gradients of `count` points to lane accumulators:
    /// `accumulators[(k * fanOut + o) * lanes + j] += input[k, n] * delta[o, n]` and
    /// `biasAccumulators[o * lanes + j] += delta[o, n]`, for the points `n` in lane `j`.
    ///
    /// Each accumulator lane sums its points in order, whatever the tiling, so the points may come
    /// in chunks (the fused step) and `reduceLanes` then gives the same bits as one pass over all
    /// points: `gradient = sum of the lanes by halving`. With `fresh` (the first chunk) the
    /// accumulators start from zero instead of being read.
    public static func weightGradient(
        input: UnsafePointer<Float>, inputStride: Int, fanIn: Int, delta: UnsafePointer<Float>, deltaStride: Int,
        fanOut: Int, count: Int, accumulators: UnsafeMutablePointer<Float>, biasAccumulators: UnsafeMutablePointer<Float>,
        fresh: Bool
    ) {
        biasSums(delta: delta, deltaStride: deltaStride, fanOut: fanOut, count: count, biasAccumulators: biasAccumulators,
                 fresh: fresh)
        // Many inputs (D = 1024): blocks of 16 input rows through all outputs, so each row is read
        // from memory once and then from cache (each accumulator still sums in the same order).
        var k = 0
        while k < fanIn {
            let rows = fanIn > 64 ? Swift.min(16, fanIn - k) : fanIn
            weightGradientRows(input: input + k * inputStride, inputStride: inputStride, fanIn: rows, delta: delta,
                               deltaStride: deltaStride, fanOut: fanOut, count: count,
                               accumulators: accumulators + k * fanOut * lanes, fresh: fresh)
            k += rows
        }
    }

    /// The weight gradient of `fanIn` input rows (all of a layer's, or a block of them) and all
    /// outputs; `accumulators` at the first row's.
    @inline(__always)
    private static func weightGradientRows(
        input: UnsafePointer<Float>, inputStride: Int, fanIn: Int, delta: UnsafePointer<Float>, deltaStride: Int,
        fanOut: Int, count: Int, accumulators: UnsafeMutablePointer<Float>, fresh: Bool
    ) {
        var o = 0
        #if KERNELS_AVX512
        // 2 input rows x 8 outputs of accumulators (16 of 32 registers): each input row is read
        // fanOut / 8 times instead of fanOut / 2.
        while o + 8 <= fanOut {
            var k = 0
            while k + 2 <= fanIn {
                let x0 = input + k * inputStride, x1 = x0 + inputStride
                let d = delta + o * deltaStride
                let g = accumulators + (k * fanOut + o) * lanes
                let h = g + fanOut * lanes
                var a0 = initial(g, fresh), a1 = initial(g + lanes, fresh)
                var a2 = initial(g + 2 * lanes, fresh), a3 = initial(g + 3 * lanes, fresh)
                var a4 = initial(g + 4 * lanes, fresh), a5 = initial(g + 5 * lanes, fresh)
                var a6 = initial(g + 6 * lanes, fresh), a7 = initial(g + 7 * lanes, fresh)
                var b0 = initial(h, fresh), b1 = initial(h + lanes, fresh)
                var b2 = initial(h + 2 * lanes, fresh), b3 = initial(h + 3 * lanes, fresh)
                var b4 = initial(h + 4 * lanes, fresh), b5 = initial(h + 5 * lanes, fresh)
                var b6 = initial(h + 6 * lanes, fresh), b7 = initial(h + 7 * lanes, fresh)
                var base = 0
                while base < count {
                    let v0 = load(x0 + base), v1 = load(x1 + base)
                    var e = load(d + base)
                    multiplyAdd(&a0, v0, e); multiplyAdd(&b0, v1, e)
                    e = load(d + deltaStride + base)
                    multiplyAdd(&a1, v0, e); multiplyAdd(&b1, v1, e)
                    e = load(d + 2 * deltaStride + base)
                    multiplyAdd(&a2, v0, e); multiplyAdd(&b2, v1, e)
                    e = load(d + 3 * deltaStride + base)
                    multiplyAdd(&a3, v0, e); multiplyAdd(&b3, v1, e)
                    e = load(d + 4 * deltaStride + base)
                    multiplyAdd(&a4, v0, e); multiplyAdd(&b4, v1, e)
                    e = load(d + 5 * deltaStride + base)
                    multiplyAdd(&a5, v0, e); multiplyAdd(&b5, v1, e)
                    e = load(d + 6 * deltaStride + base)
                    multiplyAdd(&a6, v0, e); multiplyAdd(&b6, v1, e)
                    e = load(d + 7 * deltaStride + base)
                    multiplyAdd(&a7, v0, e); multiplyAdd(&b7, v1, e)
                    base += lanes
                }
                store(a0, g); store(a1, g + lanes); store(a2, g + 2 * lanes); store(a3, g + 3 * lanes)
                store(a4, g + 4 * lanes); store(a5, g + 5 * lanes); store(a6, g + 6 * lanes); store(a7, g + 7 * lanes)
                store(b0, h); store(b1, h + lanes); store(b2, h + 2 * lanes); store(b3, h + 3 * lanes)
                store(b4, h + 4 * lanes); store(b5, h + 5 * lanes); store(b6, h + 6 * lanes); store(b7, h + 7 * lanes)
                k += 2
            }
            if k < fanIn {
                // An odd last row: the pair tiles below, for these 8 outputs and that row only.
                weightGradientTiles(input: input + k * inputStride, inputStride: inputStride, fanIn: fanIn - k,
                                    delta: delta, deltaStride: deltaStride, o: o, oEnd: o + 8, fanOut: fanOut,
                                    count: count, accumulators: accumulators + k * fanOut * lanes, fresh: fresh)
            }
            o += 8
        }
        #elseif KERNELS_AVX2
        // 2 input rows x 6 outputs (12 of 16 registers): each input row is read fanOut / 6 times.
        while o + 6 <= fanOut {
            var k = 0
            while k + 2 <= fanIn {
                let x0 = input + k * inputStride, x1 = x0 + inputStride
                let d = delta + o * deltaStride
                let g = accumulators + (k * fanOut + o) * lanes
                let h = g + fanOut * lanes
                var a0 = initial(g, fresh), a1 = initial(g + lanes, fresh), a2 = initial(g + 2 * lanes, fresh)
                var a3 = initial(g + 3 * lanes, fresh), a4 = initial(g + 4 * lanes, fresh), a5 = initial(g + 5 * lanes, fresh)
                var b0 = initial(h, fresh), b1 = initial(h + lanes, fresh), b2 = initial(h + 2 * lanes, fresh)
                var b3 = initial(h + 3 * lanes, fresh), b4 = initial(h + 4 * lanes, fresh), b5 = initial(h + 5 * lanes, fresh)
                var base = 0
                while base < count {
                    let v0 = load(x0 + base), v1 = load(x1 + base)
                    var e = load(d + base)
                    multiplyAdd(&a0, v0, e); multiplyAdd(&b0, v1, e)
                    e = load(d + deltaStride + base)
                    multiplyAdd(&a1, v0, e); multiplyAdd(&b1, v1, e)
                    e = load(d + 2 * deltaStride + base)
                    multiplyAdd(&a2, v0, e); multiplyAdd(&b2, v1, e)
                    e = load(d + 3 * deltaStride + base)
                    multiplyAdd(&a3, v0, e); multiplyAdd(&b3, v1, e)
                    e = load(d + 4 * deltaStride + base)
                    multiplyAdd(&a4, v0, e); multiplyAdd(&b4, v1, e)
                    e = load(d + 5 * deltaStride + base)
                    multiplyAdd(&a5, v0, e); multiplyAdd(&b5, v1, e)
                    base += lanes
                }
                store(a0, g); store(a1, g + lanes); store(a2, g + 2 * lanes)
                store(a3, g + 3 * lanes); store(a4, g + 4 * lanes); store(a5, g + 5 * lanes)
                store(b0, h); store(b1, h + lanes); store(b2, h + 2 * lanes)
                store(b3, h + 3 * lanes); store(b4, h + 4 * lanes); store(b5, h + 5 * lanes)
                k += 2
            }
            if k < fanIn {
                weightGradientTiles(input: input + k * inputStride, inputStride: inputStride, fanIn: fanIn - k,
                                    delta: delta, deltaStride: deltaStride, o: o, oEnd: o + 6, fanOut: fanOut,
                                    count: count, accumulators: accumulators + k * fanOut * lanes, fresh: fresh)
            }
            o += 6
        }
        #endif
        weightGradientTiles(input: input, inputStride: inputStride, fanIn: fanIn, delta: delta, deltaStride: deltaStride,
                            o: o, oEnd: fanOut, fanOut: fanOut, count: count, accumulators: accumulators,
                            fresh: fresh)
    }

    /// `output[i] = ` the sum of the lanes of `accumulators[i * lanes ..< (i + 1) * lanes]` by halving
    /// (`horizontalSum`), for `i` in `0..<count`.
    public static func reduceLanes(accumulators: UnsafePointer<Float>, count: Int, output: UnsafeMutablePointer<Float>) {
        var i = 0
        // `lanes` accumulators at a time by a tree of shuffles and vector additions: each level adds
        // the first half of every group of lanes to its second half, as `horizontalSum` does, for
        // two vectors at once, until each lane holds one accumulator's sum (in order).
        while i + lanes <= count {
            let p = accumulators + i * lanes
            #if KERNELS_AVX512
            let c0 = pairSumHalves(load(p), load(p + lanes))
            let c1 = pairSumHalves(load(p + 2 * lanes), load(p + 3 * lanes))
            let c2 = pairSumHalves(load(p + 4 * lanes), load(p + 5 * lanes))
            let c3 = pairSumHalves(load(p + 6 * lanes), load(p + 7 * lanes))
            let c4 = pairSumHalves(load(p + 8 * lanes), load(p + 9 * lanes))
            let c5 = pairSumHalves(load(p + 10 * lanes), load(p + 11 * lanes))
            let c6 = pairSumHalves(load(p + 12 * lanes), load(p + 13 * lanes))
            let c7 = pairSumHalves(load(p + 14 * lanes), load(p + 15 * lanes))
            let e0 = pairSumQuarters(c0, c1), e1 = pairSumQuarters(c2, c3)
            let e2 = pairSumQuarters(c4, c5), e3 = pairSumQuarters(c6, c7)
            store(pairSumLanes(pairSumPairs(e0, e1), pairSumPairs(e2, e3)), output + i)
            #elseif KERNELS_AVX2
            let c0 = pairSumHalves(load(p), load(p + lanes))
            let c1 = pairSumHalves(load(p + 2 * lanes), load(p + 3 * lanes))
            let c2 = pairSumHalves(load(p + 4 * lanes), load(p + 5 * lanes))
            let c3 = pairSumHalves(load(p + 6 * lanes), load(p + 7 * lanes))
            store(pairSumLanes(pairSumPairs(c0, c1), pairSumPairs(c2, c3)), output + i)
            #else
            let c0 = pairSumHalves(load(p), load(p + lanes)), c1 = pairSumHalves(load(p + 2 * lanes), load(p + 3 * lanes))
            store(pairSumLanes(c0, c1), output + i)
            #endif
            i += lanes
        }
        while i < count {
            output[i] = horizontalSum(load(accumulators + i * lanes))
            i += 1
        }
    }

    /// An accumulator's value so far: zero on the first chunk, else what was stored.
    @inline(__always)
    private static func initial(_ p: UnsafeMutablePointer<Float>, _ fresh: Bool) -> Vector {
        fresh ? Vector.zero : load(p)
    }

    // MARK: The levels of `reduceLanes`' tree
    // `a` and `b` hold groups of `2 w` lanes, each group one accumulator's partial sums; a level
    // returns, first for `a`'s groups and then for `b`'s, each group's first `w` lanes plus its
    // last `w` (a shuffle of the two vectors, then one addition), as `horizontalSum` adds them.
    // Written with halves and even/odd lanes, which the compiler turns into single shuffles.

    /// The level with `w = lanes / 2`.
    @inline(__always)
    private static func pairSumHalves(_ a: Vector, _ b: Vector) -> Vector {
        Vector(lowHalf: a.lowHalf, highHalf: b.lowHalf) + Vector(lowHalf: a.highHalf, highHalf: b.highHalf)
    }

    #if KERNELS_AVX512
    /// The level with `w = 4` (groups of 8 lanes).
    @inline(__always)
    private static func pairSumQuarters(_ a: Vector, _ b: Vector) -> Vector {
        let x = Vector(lowHalf: .init(lowHalf: a.lowHalf.lowHalf, highHalf: a.highHalf.lowHalf),
                       highHalf: .init(lowHalf: b.lowHalf.lowHalf, highHalf: b.highHalf.lowHalf))
        let y = Vector(lowHalf: .init(lowHalf: a.lowHalf.highHalf, highHalf: a.highHalf.highHalf),
                       highHalf: .init(lowHalf: b.lowHalf.highHalf, highHalf: b.highHalf.highHalf))
        return x + y
    }
    #endif

    #if KERNELS_AVX512 || KERNELS_AVX2
    /// The level with `w = 2` (groups of 4 lanes): pairs of lanes moved as one double.
    @inline(__always)
    private static func pairSumPairs(_ a: Vector, _ b: Vector) -> Vector {
        let da = unsafeBitCast(a, to: DoubleVector.self), db = unsafeBitCast(b, to: DoubleVector.self)
        let x = DoubleVector(lowHalf: da.evenHalf, highHalf: db.evenHalf)
        let y = DoubleVector(lowHalf: da.oddHalf, highHalf: db.oddHalf)
        return unsafeBitCast(x, to: Vector.self) + unsafeBitCast(y, to: Vector.self)
    }
    #endif

    /// The level with `w = 1` (groups of 2 lanes).
    @inline(__always)
    private static func pairSumLanes(_ a: Vector, _ b: Vector) -> Vector {
        Vector(lowHalf: a.evenHalf, highHalf: b.evenHalf) + Vector(lowHalf: a.oddHalf, highHalf: b.oddHalf)
    }

    /// Adds `delta[o, n]` to the lanes of `biasAccumulators[o]`, four outputs at a time so that four
    /// independent chains of additions hide their latency.
    @inline(__always)
    private static func biasSums(
        delta: UnsafePointer<Float>, deltaStride: Int, fanOut: Int, count: Int, biasAccumulators: UnsafeMutablePointer<Float>,
        fresh: Bool
    ) {
        var o = 0
        while o < fanOut {
            // The last block may have fewer than four outputs: it sums the first again and keeps
            // only what it owns.
            let rows = Swift.min(4, fanOut - o)
            let d0 = delta + o * deltaStride
            let d1 = rows > 1 ? d0 + deltaStride : d0
            let d2 = rows > 2 ? d0 + 2 * deltaStride : d0
            let d3 = rows > 3 ? d0 + 3 * deltaStride : d0
            let g = biasAccumulators + o * lanes
            var s0 = initial(g, fresh)
            var s1 = rows > 1 ? initial(g + lanes, fresh) : s0
            var s2 = rows > 2 ? initial(g + 2 * lanes, fresh) : s0
            var s3 = rows > 3 ? initial(g + 3 * lanes, fresh) : s0
            var base = 0
            while base < count {
                s0 += load(d0 + base); s1 += load(d1 + base)
                s2 += load(d2 + base); s3 += load(d3 + base)
                base += lanes
            }
            store(s0, g)
            if rows > 1 { store(s1, g + lanes) }
            if rows > 2 { store(s2, g + 2 * lanes) }
            if rows > 3 { store(s3, g + 3 * lanes) }
            o += rows
        }
    }

    /// The weight gradient of outputs `o..<oEnd` in tiles of 4 input rows x 2 outputs (edge tiles
    /// smaller), into the lane accumulators of rows `0..<fanIn` (relative to `input`).
    @inline(__always)
    private static func weightGradientTiles(
        input: UnsafePointer<Float>, inputStride: Int, fanIn: Int, delta: UnsafePointer<Float>, deltaStride: Int,
        o start: Int, oEnd: Int, fanOut: Int, count: Int, accumulators: UnsafeMutablePointer<Float>, fresh: Bool
    ) {
        var o = start
        if oEnd - o == 3 {
            // Three outputs (the output layer): one pass with 12 chains instead of a pair with 8
            // and a single output with 4, each sum in the same order.
            weightGradientTriple(input: input, inputStride: inputStride, fanIn: fanIn, delta: delta + o * deltaStride,
                                 deltaStride: deltaStride, fanOut: fanOut, count: count,
                                 accumulators: accumulators + o * lanes, fresh: fresh)
            return
        }
        while o < oEnd {
            let pair = o + 1 < oEnd
            let d0 = delta + o * deltaStride
            let d1 = pair ? d0 + deltaStride : d0
            var k = 0
            while k < fanIn {
                let rows = Swift.min(4, fanIn - k)
                let x0 = input + k * inputStride
                let x1 = rows > 1 ? x0 + inputStride : x0
                let x2 = rows > 2 ? x0 + 2 * inputStride : x0
                let x3 = rows > 3 ? x0 + 3 * inputStride : x0
                // Accumulator (k + r, o + c) at g + r * row + c * lanes; tiles past the edge start
                // from zero and are never stored.
                let g = accumulators + (k * fanOut + o) * lanes
                let row = fanOut * lanes
                var a0 = initial(g, fresh), a1 = Vector.zero, a2 = Vector.zero, a3 = Vector.zero
                var b0 = Vector.zero, b1 = Vector.zero, b2 = Vector.zero, b3 = Vector.zero
                if rows > 1 { a1 = initial(g + row, fresh) }
                if rows > 2 { a2 = initial(g + 2 * row, fresh) }
                if rows > 3 { a3 = initial(g + 3 * row, fresh) }
                if pair {
                    b0 = initial(g + lanes, fresh)
                    if rows > 1 { b1 = initial(g + row + lanes, fresh) }
                    if rows > 2 { b2 = initial(g + 2 * row + lanes, fresh) }
                    if rows > 3 { b3 = initial(g + 3 * row + lanes, fresh) }
                }
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
                store(a0, g)
                if rows > 1 { store(a1, g + row) }
                if rows > 2 { store(a2, g + 2 * row) }
                if rows > 3 { store(a3, g + 3 * row) }
                if pair {
                    store(b0, g + lanes)
                    if rows > 1 { store(b1, g + row + lanes) }
                    if rows > 2 { store(b2, g + 2 * row + lanes) }
                    if rows > 3 { store(b3, g + 3 * row + lanes) }
                }
                k += rows
            }
            o += pair ? 2 : 1
        }
    }

    /// The weight gradient of three outputs (`delta` at the first) in tiles of 4 input rows x 3
    /// outputs, into the lane accumulators at `accumulators` (the first output's, row 0).
    @inline(__always)
    private static func weightGradientTriple(
        input: UnsafePointer<Float>, inputStride: Int, fanIn: Int, delta: UnsafePointer<Float>, deltaStride: Int,
        fanOut: Int, count: Int, accumulators: UnsafeMutablePointer<Float>, fresh: Bool
    ) {
        let d0 = delta, d1 = delta + deltaStride, d2 = delta + 2 * deltaStride
        let row = fanOut * lanes
        var k = 0
        while k < fanIn {
            let rows = Swift.min(4, fanIn - k)
            let x0 = input + k * inputStride
            let x1 = rows > 1 ? x0 + inputStride : x0
            let x2 = rows > 2 ? x0 + 2 * inputStride : x0
            let x3 = rows > 3 ? x0 + 3 * inputStride : x0
            // Accumulator (k + r, o + c) at g + r * row + c * lanes; rows past the edge start from
            // zero and are never stored.
            let g = accumulators + k * row
            var a0 = initial(g, fresh), b0 = initial(g + lanes, fresh), c0 = initial(g + 2 * lanes, fresh)
            var a1 = Vector.zero, b1 = Vector.zero, c1 = Vector.zero
            var a2 = Vector.zero, b2 = Vector.zero, c2 = Vector.zero
            var a3 = Vector.zero, b3 = Vector.zero, c3 = Vector.zero
            if rows > 1 {
                a1 = initial(g + row, fresh); b1 = initial(g + row + lanes, fresh)
                c1 = initial(g + row + 2 * lanes, fresh)
            }
            if rows > 2 {
                a2 = initial(g + 2 * row, fresh); b2 = initial(g + 2 * row + lanes, fresh)
                c2 = initial(g + 2 * row + 2 * lanes, fresh)
            }
            if rows > 3 {
                a3 = initial(g + 3 * row, fresh); b3 = initial(g + 3 * row + lanes, fresh)
                c3 = initial(g + 3 * row + 2 * lanes, fresh)
            }
            var base = 0
            while base < count {
                let e0 = load(d0 + base), e1 = load(d1 + base), e2 = load(d2 + base)
                var v = load(x0 + base)
                multiplyAdd(&a0, v, e0); multiplyAdd(&b0, v, e1); multiplyAdd(&c0, v, e2)
                v = load(x1 + base)
                multiplyAdd(&a1, v, e0); multiplyAdd(&b1, v, e1); multiplyAdd(&c1, v, e2)
                v = load(x2 + base)
                multiplyAdd(&a2, v, e0); multiplyAdd(&b2, v, e1); multiplyAdd(&c2, v, e2)
                v = load(x3 + base)
                multiplyAdd(&a3, v, e0); multiplyAdd(&b3, v, e1); multiplyAdd(&c3, v, e2)
                base += lanes
            }
            store(a0, g); store(b0, g + lanes); store(c0, g + 2 * lanes)
            if rows > 1 { store(a1, g + row); store(b1, g + row + lanes); store(c1, g + row + 2 * lanes) }
            if rows > 2 { store(a2, g + 2 * row); store(b2, g + 2 * row + lanes); store(c2, g + 2 * row + 2 * lanes) }
            if rows > 3 { store(a3, g + 3 * row); store(b3, g + 3 * row + lanes); store(c3, g + 3 * row + 2 * lanes) }
            k += rows
        }
    }

    /// `transposed[o * fanIn + k] = weights[k * fanOut + o]`: a layer's weights as the input
    /// gradient reads them.
    public static func transpose(
        weights: UnsafePointer<Float>, fanIn: Int, fanOut: Int, transposed: UnsafeMutablePointer<Float>
    ) {
        var k = 0
        while k < fanIn {
            var o = 0
            var source = weights + k &* fanOut
            var target = transposed + k
            while o < fanOut {
                target.pointee = source.pointee
                source += 1
                target += fanIn
                o &+= 1
            }
            k &+= 1
        }
    }

    /// `output[k, n] = (sum_o weights[k, o] * delta[o, n]) * act'(k, n)`, with the weights given
    /// transposed (`transposedWeights[o * fanIn + k]`, so a block of rows reads them side by side),
    /// where the derivative is read from the activation's output `h` (rows `activationStride`
    /// apart; `1 - h^2` for tanh, `h > 0` for relu); `linear` gives the plain input gradient and
    /// reads nothing of `h` it uses.
    public static func inputGradient(
        delta: UnsafePointer<Float>, deltaStride: Int, fanOut: Int, transposedWeights: UnsafePointer<Float>, fanIn: Int,
        count: Int,
        output: UnsafeMutablePointer<Float>, outputStride: Int, activation: Int, activationOutput: UnsafePointer<Float>,
        activationStride: Int
    ) {
        let (d, o, h, a) = (deltaStride, outputStride, activationOutput, activationStride)
        switch activation {
        case ActivationCode.tanh: inputGradient(delta, d, fanOut, transposedWeights, fanIn, count, output, o, h, a, TanhUnit.self)
        case ActivationCode.relu: inputGradient(delta, d, fanOut, transposedWeights, fanIn, count, output, o, h, a, ReluUnit.self)
        default: inputGradient(delta, d, fanOut, transposedWeights, fanIn, count, output, o, h, a, LinearUnit.self)
        }
    }

    private static func inputGradient<A: PointwiseActivation>(
        _ delta: UnsafePointer<Float>, _ deltaStride: Int, _ fanOut: Int, _ transposedWeights: UnsafePointer<Float>,
        _ fanIn: Int,
        _ count: Int, _ output: UnsafeMutablePointer<Float>, _ outputStride: Int, _ activationOutput: UnsafePointer<Float>,
        _ activationStride: Int, _: A.Type
    ) {
        let step = 2 * lanes
        var k = 0
        #if KERNELS_AVX512
        // 8 rows x 2 vectors of accumulators (16 of 32 registers): each delta vector loaded once
        // serves 8 rows. Every output sums over `o` in the same order as in the smaller blocks.
        while k + 8 <= fanIn {
            var base = 0
            while base < count {
                var a0 = Vector.zero, b0 = Vector.zero, a1 = Vector.zero, b1 = Vector.zero
                var a2 = Vector.zero, b2 = Vector.zero, a3 = Vector.zero, b3 = Vector.zero
                var a4 = Vector.zero, b4 = Vector.zero, a5 = Vector.zero, b5 = Vector.zero
                var a6 = Vector.zero, b6 = Vector.zero, a7 = Vector.zero, b7 = Vector.zero
                var d = delta + base
                var w = transposedWeights + k
                for _ in 0..<fanOut {
                    let x = load(d), y = load(d + lanes)
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
                    d += deltaStride
                    w += fanIn
                }
                let out = output + k * outputStride + base
                let h = activationOutput + k * activationStride + base
                finish(a0, b0, out, h, A.self)
                finish(a1, b1, out + outputStride, h + activationStride, A.self)
                finish(a2, b2, out + 2 * outputStride, h + 2 * activationStride, A.self)
                finish(a3, b3, out + 3 * outputStride, h + 3 * activationStride, A.self)
                finish(a4, b4, out + 4 * outputStride, h + 4 * activationStride, A.self)
                finish(a5, b5, out + 5 * outputStride, h + 5 * activationStride, A.self)
                finish(a6, b6, out + 6 * outputStride, h + 6 * activationStride, A.self)
                finish(a7, b7, out + 7 * outputStride, h + 7 * activationStride, A.self)
                base += step
            }
            k += 8
        }
        #elseif KERNELS_AVX2
        // 6 rows x 2 vectors of accumulators, 2 deltas and 1 weight: 15 of 16 registers.
        while k + 6 <= fanIn {
            var base = 0
            while base < count {
                var a0 = Vector.zero, b0 = Vector.zero, a1 = Vector.zero, b1 = Vector.zero
                var a2 = Vector.zero, b2 = Vector.zero, a3 = Vector.zero, b3 = Vector.zero
                var a4 = Vector.zero, b4 = Vector.zero, a5 = Vector.zero, b5 = Vector.zero
                var d = delta + base
                var w = transposedWeights + k
                for _ in 0..<fanOut {
                    let x = load(d), y = load(d + lanes)
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
                    d += deltaStride
                    w += fanIn
                }
                let out = output + k * outputStride + base
                let h = activationOutput + k * activationStride + base
                finish(a0, b0, out, h, A.self)
                finish(a1, b1, out + outputStride, h + activationStride, A.self)
                finish(a2, b2, out + 2 * outputStride, h + 2 * activationStride, A.self)
                finish(a3, b3, out + 3 * outputStride, h + 3 * activationStride, A.self)
                finish(a4, b4, out + 4 * outputStride, h + 4 * activationStride, A.self)
                finish(a5, b5, out + 5 * outputStride, h + 5 * activationStride, A.self)
                base += step
            }
            k += 6
        }
        #endif
        if fanIn - k <= 2 && k < fanIn {
            // One or two rows (the points' gradient at D = 2): 4 vectors of points at a time, so
            // 4 or 8 chains instead of 2 or 4.
            let two = fanIn - k == 2
            let second = two ? 1 : 0
            var base = 0
            while base + 2 * step <= count {
                var a0 = Vector.zero, b0 = Vector.zero, c0 = Vector.zero, e0 = Vector.zero
                var a1 = Vector.zero, b1 = Vector.zero, c1 = Vector.zero, e1 = Vector.zero
                var d = delta + base
                var w = transposedWeights + k
                for _ in 0..<fanOut {
                    let x = load(d), y = load(d + lanes), z = load(d + 2 * lanes), t = load(d + 3 * lanes)
                    let u = Vector(repeating: w[0]), v = Vector(repeating: w[second])
                    w += fanIn
                    multiplyAdd(&a0, x, u); multiplyAdd(&b0, y, u); multiplyAdd(&c0, z, u); multiplyAdd(&e0, t, u)
                    multiplyAdd(&a1, x, v); multiplyAdd(&b1, y, v); multiplyAdd(&c1, z, v); multiplyAdd(&e1, t, v)
                    d += deltaStride
                }
                let out = output + k * outputStride + base
                let h = activationOutput + k * activationStride + base
                finish(a0, b0, out, h, A.self)
                finish(c0, e0, out + step, h + step, A.self)
                if two {
                    finish(a1, b1, out + outputStride, h + activationStride, A.self)
                    finish(c1, e1, out + outputStride + step, h + activationStride + step, A.self)
                }
                base += 2 * step
            }
            if base < count {
                inputGradientRows(delta, deltaStride, fanOut, transposedWeights, fanIn, count, output, outputStride,
                                  activationOutput, activationStride, A.self, k: k, from: base)
            }
            return
        }
        inputGradientRows(delta, deltaStride, fanOut, transposedWeights, fanIn, count, output, outputStride,
                          activationOutput, activationStride, A.self, k: k, from: 0)
    }

    /// The input gradient of rows `k...` and points `from...`, in blocks of 4 rows x 2 vectors.
    @inline(__always)
    private static func inputGradientRows<A: PointwiseActivation>(
        _ delta: UnsafePointer<Float>, _ deltaStride: Int, _ fanOut: Int, _ transposedWeights: UnsafePointer<Float>,
        _ fanIn: Int,
        _ count: Int, _ output: UnsafeMutablePointer<Float>, _ outputStride: Int, _ activationOutput: UnsafePointer<Float>,
        _ activationStride: Int, _: A.Type,
        k start: Int, from first: Int
    ) {
        let step = 2 * lanes
        var k = start
        while k < fanIn {
            let rows = Swift.min(4, fanIn - k)
            var base = first
            while base < count {
                var a0 = Vector.zero, b0 = Vector.zero, a1 = Vector.zero, b1 = Vector.zero
                var a2 = Vector.zero, b2 = Vector.zero, a3 = Vector.zero, b3 = Vector.zero
                var d = delta + base
                var w = transposedWeights + k
                if rows == 4 {
                    for _ in 0..<fanOut {
                        let x = load(d), y = load(d + lanes)
                        let w0 = Vector(repeating: w[0]), w1 = Vector(repeating: w[1])
                        let w2 = Vector(repeating: w[2]), w3 = Vector(repeating: w[3])
                        multiplyAdd(&a0, x, w0); multiplyAdd(&b0, y, w0)
                        multiplyAdd(&a1, x, w1); multiplyAdd(&b1, y, w1)
                        multiplyAdd(&a2, x, w2); multiplyAdd(&b2, y, w2)
                        multiplyAdd(&a3, x, w3); multiplyAdd(&b3, y, w3)
                        d += deltaStride
                        w += fanIn
                    }
                } else {
                    for _ in 0..<fanOut {
                        let x = load(d), y = load(d + lanes)
                        let w0 = Vector(repeating: w[0])
                        multiplyAdd(&a0, x, w0); multiplyAdd(&b0, y, w0)
                        if rows > 1 {
                            let w1 = Vector(repeating: w[1])
                            multiplyAdd(&a1, x, w1); multiplyAdd(&b1, y, w1)
                        }
                        if rows > 2 {
                            let w2 = Vector(repeating: w[2])
                            multiplyAdd(&a2, x, w2); multiplyAdd(&b2, y, w2)
                        }
                        d += deltaStride
                        w += fanIn
                    }
                }
                let out = output + k * outputStride + base
                let h = activationOutput + k * activationStride + base
                finish(a0, b0, out, h, A.self)
                if rows > 1 { finish(a1, b1, out + outputStride, h + activationStride, A.self) }
                if rows > 2 { finish(a2, b2, out + 2 * outputStride, h + 2 * activationStride, A.self) }
                if rows > 3 { finish(a3, b3, out + 3 * outputStride, h + 3 * activationStride, A.self) }
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

    /// `points[r, n] -= step * gradient[r, n]` for `rows` rows of `count` points (a multiple of
    /// `lanes`), rows `pointStride` and `gradientStride` floats apart (the fused step updates one
    /// chunk of points at a time); returns whether every result is finite, each checked on its own
    /// (`x * 0` is zero exactly when `x` is finite, so the probe cannot overflow).
    public static func updatePoints(
        points: UnsafeMutablePointer<Float>, pointStride: Int, gradient: UnsafePointer<Float>, gradientStride: Int,
        rows: Int, count: Int, step: Float
    ) -> Bool {
        let s = Vector(repeating: step)
        var probe = Vector.zero
        for r in 0..<rows {
            let p = points + r * pointStride, g = gradient + r * gradientStride
            var i = 0
            while i < count {
                let x = load(p + i) - s * load(g + i)
                store(x, p + i)
                probe += x * Vector.zero
                i += lanes
            }
        }
        return horizontalSum(probe).isFinite
    }
}
