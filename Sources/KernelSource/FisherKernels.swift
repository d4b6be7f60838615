/// The O(N D) and O(N D^2) loops of the Fisher directions and the LDA projection, vectorised in
/// double precision without changing a single rounding: every element gets the same operations in
/// the same order as the plain scalar loops (separate multiply and add, never fused), only several
/// elements at once. So `lda_silhouette` is the same bits in every kernel family's build of these
/// loops as in the scalar definition (`FisherKernelTests`).
public enum FisherKernels {
    /// `out[k * columns + j]` = `Float(sum over m of (Double(points[m * columns + j]) - mean[m]) *
    /// directions[k * dimension + m])`, summed in ascending m from 0, for `count` directions; 0 where
    /// `valid[j]` is 0. `points` is `dimension x columns`, `columns` a multiple of 16.
    public static func project(
        points: UnsafePointer<Float>, dimension: Int, columns: Int, valid: UnsafePointer<Float>,
        mean: UnsafePointer<Double>, directions: UnsafePointer<Double>, count: Int, out: UnsafeMutablePointer<Float>
    ) {
        for k in 0..<count {
            let v = directions + k * dimension
            let target = out + k * columns
            var j = 0
            while j < columns {
                var s = DoubleVector.zero
                for m in 0..<dimension {
                    s = s + (loadWidened(points + m * columns + j) - DoubleVector(repeating: mean[m])) * DoubleVector(repeating: v[m])
                }
                let keep = loadWidened(valid + j) .!= DoubleVector.zero
                let value = HalfVector(s.replacing(with: DoubleVector.zero, where: .!keep))
                UnsafeMutableRawPointer(target + j).storeBytes(of: value, as: HalfVector.self)
                j += doubleLanes
            }
        }
    }
}

extension FisherKernels {
    /// Rows of the scatter matrix's stride beyond D: tiles of 2 vectors may run past D (into
    /// padding, never read) but never into the next row.
    public static let stridePadding = 16

    /// Adds the within-class scatter of `rows` (`count x dimension` row-major floats) to the lower
    /// triangle of `scatter` (`dimension x stride`): for each point i in ascending order,
    /// `scatter[r][s] += c_r * c_s` with `c = Double(rows[i]) - classMeans[labels[i]]` (a multiply,
    /// then an add: the scalar loop's roundings). `stride` is a multiple of 16 and at least
    /// `dimension + stridePadding`; `centred` holds `chunk x stride` doubles. Tiles of 4 rows by 2
    /// vectors keep their sums in registers over a chunk of points.
    public static func scatter(
        rows: UnsafePointer<Float>, count n: Int, dimension d: Int, labels: UnsafePointer<Int32>,
        classMeans: UnsafePointer<Double>, scatter: UnsafeMutablePointer<Double>, stride ld: Int,
        centred: UnsafeMutablePointer<Double>, chunk: Int
    ) {
        if d == 1 || d == 2 {
            // Two coordinates: the tiles would multiply a row's 16 columns to keep 2, so each
            // element gets its own register; the same products added in the same order.
            let two = d == 2
            var s00 = scatter[0], s01 = two ? scatter[1] : 0, s10 = two ? scatter[ld] : 0, s11 = two ? scatter[ld + 1] : 0
            var row = rows
            for i in 0..<n {
                let mean = classMeans + Int(labels[i]) * d
                let c0 = Double(row[0]) - mean[0]
                s00 = s00 + c0 * c0
                if two {
                    let c1 = Double(row[1]) - mean[1]
                    s01 = s01 + c0 * c1
                    s10 = s10 + c1 * c0
                    s11 = s11 + c1 * c1
                }
                row += d
            }
            scatter[0] = s00
            if two {
                scatter[1] = s01
                scatter[ld] = s10
                scatter[ld + 1] = s11
            }
            return
        }
        let width = 2 * doubleLanes
        // The tiles read each centred row up to D rounded up to `width` (within `stride`); the
        // part past D is zero, written once per call, since only the first D are ever rewritten.
        let padded = Swift.min((d + width - 1) / width * width, ld)
        for q in 0..<Swift.min(chunk, n) {
            let c = centred + q * ld
            for j in d..<padded { c[j] = 0 }
        }
        var first = 0
        while first < n {
            let p = Swift.min(chunk, n - first)
            for q in 0..<p {
                let i = first + q
                let row = rows + i * d, mean = classMeans + Int(labels[i]) * d, c = centred + q * ld
                for j in 0..<d { c[j] = Double(row[j]) - mean[j] }
            }
            var r0 = 0
            while r0 < d {
                let rows4 = d - r0 >= 4
                let rEnd = rows4 ? r0 + 4 : r0 + 1
                var s0 = 0
                while s0 < rEnd {
                    if rows4 {
                        let t0 = scatter + r0 * ld + s0, t1 = t0 + ld, t2 = t1 + ld, t3 = t2 + ld
                        var a0 = load(t0), b0 = load(t0 + doubleLanes)
                        var a1 = load(t1), b1 = load(t1 + doubleLanes)
                        var a2 = load(t2), b2 = load(t2 + doubleLanes)
                        var a3 = load(t3), b3 = load(t3 + doubleLanes)
                        for q in 0..<p {
                            let c = centred + q * ld
                            let x = load(c + s0), y = load(c + s0 + doubleLanes)
                            let c0 = DoubleVector(repeating: c[r0]), c1 = DoubleVector(repeating: c[r0 + 1])
                            let c2 = DoubleVector(repeating: c[r0 + 2]), c3 = DoubleVector(repeating: c[r0 + 3])
                            a0 = a0 + c0 * x; b0 = b0 + c0 * y
                            a1 = a1 + c1 * x; b1 = b1 + c1 * y
                            a2 = a2 + c2 * x; b2 = b2 + c2 * y
                            a3 = a3 + c3 * x; b3 = b3 + c3 * y
                        }
                        store(a0, t0); store(b0, t0 + doubleLanes)
                        store(a1, t1); store(b1, t1 + doubleLanes)
                        store(a2, t2); store(b2, t2 + doubleLanes)
                        store(a3, t3); store(b3, t3 + doubleLanes)
                    } else {
                        let t0 = scatter + r0 * ld + s0
                        var a0 = load(t0), b0 = load(t0 + doubleLanes)
                        for q in 0..<p {
                            let c = centred + q * ld
                            let c0 = DoubleVector(repeating: c[r0])
                            a0 = a0 + c0 * load(c + s0)
                            b0 = b0 + c0 * load(c + s0 + doubleLanes)
                        }
                        store(a0, t0); store(b0, t0 + doubleLanes)
                    }
                    s0 += width
                }
                r0 = rEnd
            }
            first += p
        }
    }

    /// Overwrites the lower triangle of the symmetric `a` (`dimension x stride`, stride as in
    /// `scatter`) with its Cholesky factor `L`, exactly as the plain loop computes it: each
    /// `L[i][j]` starts from `a[i][j]`, subtracts `L[i][k] * L[j][k]` for k ascending (multiply,
    /// then subtract), then takes the square root on the diagonal (1e-150 if not positive) or
    /// divides by `L[j][j]`. Blocked right-looking by panels of 32 columns, vectorised across rows
    /// and columns; every element still sees its own operations in that order. `panel` holds
    /// `32 x stride` doubles. The upper triangle is left with values nobody reads.
    public static func cholesky(
        _ a: UnsafeMutablePointer<Double>, dimension d: Int, stride ld: Int, panel at: UnsafeMutablePointer<Double>
    ) {
        let panelWidth = 32
        let width = 2 * doubleLanes
        var p = 0
        while p < d {
            let pe = Swift.min(p + panelWidth, d)
            let w = pe - p
            // The panel's columns, transposed: at[jj][i] = a[i][p + jj].
            for jj in 0..<w {
                let column = at + jj * ld
                for i in 0..<p { column[i] = 0 }
                for i in p..<d { column[i] = a[i * ld + p + jj] }
                for i in d..<ld { column[i] = 0 }
            }
            // Factor the panel column by column.
            for jj in 0..<w {
                let j = p + jj
                let column = at + jj * ld
                var s = column[j]
                for kk in 0..<jj {
                    let l = at[kk * ld + j]
                    s -= l * l
                }
                let diagonal = s > 0 ? s.squareRoot() : 1e-150
                column[j] = diagonal
                var i = j + 1
                while i < d && i % doubleLanes != 0 {
                    var t = column[i]
                    for kk in 0..<jj { t -= at[kk * ld + i] * at[kk * ld + j] }
                    column[i] = t / diagonal
                    i += 1
                }
                let divisor = DoubleVector(repeating: diagonal)
                while i < d {
                    var t = load(column + i)
                    for kk in 0..<jj { t = t - load(at + kk * ld + i) * DoubleVector(repeating: at[kk * ld + j]) }
                    store(t / divisor, column + i)
                    i += doubleLanes
                }
            }
            // Back into a (the lower part of the panel's columns).
            for jj in 0..<w {
                let j = p + jj
                for i in j..<d { a[i * ld + j] = at[jj * ld + i] }
            }
            // The trailing matrix: a[i][j] -= L[i][k] * L[j][k] for the panel's k, in order.
            var i0 = pe
            while i0 < d {
                let four = d - i0 >= 4
                let iEnd = four ? i0 + 4 : i0 + 1
                var j0 = pe
                while j0 < iEnd {
                    if four {
                        let t0 = a + i0 * ld + j0, t1 = t0 + ld, t2 = t1 + ld, t3 = t2 + ld
                        var a0 = load(t0), b0 = load(t0 + doubleLanes)
                        var a1 = load(t1), b1 = load(t1 + doubleLanes)
                        var a2 = load(t2), b2 = load(t2 + doubleLanes)
                        var a3 = load(t3), b3 = load(t3 + doubleLanes)
                        for kk in 0..<w {
                            let l = at + kk * ld
                            let x = load(l + j0), y = load(l + j0 + doubleLanes)
                            let c0 = DoubleVector(repeating: l[i0]), c1 = DoubleVector(repeating: l[i0 + 1])
                            let c2 = DoubleVector(repeating: l[i0 + 2]), c3 = DoubleVector(repeating: l[i0 + 3])
                            a0 = a0 - c0 * x; b0 = b0 - c0 * y
                            a1 = a1 - c1 * x; b1 = b1 - c1 * y
                            a2 = a2 - c2 * x; b2 = b2 - c2 * y
                            a3 = a3 - c3 * x; b3 = b3 - c3 * y
                        }
                        store(a0, t0); store(b0, t0 + doubleLanes)
                        store(a1, t1); store(b1, t1 + doubleLanes)
                        store(a2, t2); store(b2, t2 + doubleLanes)
                        store(a3, t3); store(b3, t3 + doubleLanes)
                    } else {
                        let t0 = a + i0 * ld + j0
                        var a0 = load(t0), b0 = load(t0 + doubleLanes)
                        for kk in 0..<w {
                            let l = at + kk * ld
                            let c0 = DoubleVector(repeating: l[i0])
                            a0 = a0 - c0 * load(l + j0)
                            b0 = b0 - c0 * load(l + j0 + doubleLanes)
                        }
                        store(a0, t0); store(b0, t0 + doubleLanes)
                    }
                    j0 += width
                }
                i0 = iEnd
            }
            p = pe
        }
    }
}
