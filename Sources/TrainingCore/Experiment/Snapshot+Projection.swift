/// Two plotting coordinates per point of a snapshot, so any dimension can be drawn as a scatter
/// plot: D = 2 as is; D = 3 as an oblique orthographic view (turned 35° about the vertical axis,
/// tilted 25°); D > 3 projected on the two leading Fisher (LDA) directions, the subspace in which
/// the points separate; D = 1 against a fixed jitter.
public struct PlanarView: Sendable {
    /// `(x, y)` per point, in the order of the snapshot.
    public var coordinates: [(x: Double, y: Double)]
    public var xLabel: String
    public var yLabel: String
    /// Whether the axes carry data units (false for the oblique and LDA views).
    public var hasDataUnits: Bool
}

extension Snapshot {
    /// This snapshot's points as plotting coordinates (see `PlanarView`).
    public func planarView(classes: Int) -> PlanarView {
        let n = count
        let d = dimension
        guard n > 0, points.count == n * d else {
            return PlanarView(coordinates: [], xLabel: "", yLabel: "", hasDataUnits: false)
        }
        switch d {
        case 1:
            let coordinates = (0..<n).map { i in
                (x: Double(points[i]), y: (Double(i) * 0.618_033_988_75).truncatingRemainder(dividingBy: 1))
            }
            return PlanarView(coordinates: coordinates, xLabel: "x1", yLabel: "jitter", hasDataUnits: false)
        case 2:
            let coordinates = (0..<n).map { (x: Double(points[2 * $0]), y: Double(points[2 * $0 + 1])) }
            return PlanarView(coordinates: coordinates, xLabel: "x1", yLabel: "x2", hasDataUnits: true)
        case 3:
            // cos/sin of 35° and 25°.
            let ca = 0.819_152_044_3, sa = 0.573_576_436_4, ce = 0.906_307_787_0, se = 0.422_618_261_7
            let coordinates = (0..<n).map { i -> (x: Double, y: Double) in
                let x = Double(points[3 * i]), y = Double(points[3 * i + 1]), z = Double(points[3 * i + 2])
                return (x: x * ca - y * sa, y: z * ce + (x * sa + y * ca) * se)
            }
            return PlanarView(coordinates: coordinates, xLabel: "oblique view of x1, x2, x3", yLabel: "", hasDataUnits: false)
        default:
            guard labels.count == n, labels.allSatisfy({ (0..<max(classes, 2)).contains($0) }) else {
                return PlanarView(coordinates: [], xLabel: "", yLabel: "", hasDataUnits: false)
            }
            let labels32 = labels.map { Int32($0) }
            let lda = points.withUnsafeBufferPointer { rows in
                labels32.withUnsafeBufferPointer { l in
                    FisherDirections(rows: rows.baseAddress!, count: n, dimension: d, labels: l.baseAddress!, classes: max(classes, 2))
                }
            }
            let coordinates = (0..<n).map { i -> (x: Double, y: Double) in
                func project(_ k: Int) -> Double {
                    guard k < lda.directions.count else { return 0 }
                    var s = 0.0
                    for m in 0..<d { s += (Double(points[i * d + m]) - lda.mean[m]) * lda.directions[k][m] }
                    return s
                }
                return (x: project(0), y: project(1))
            }
            return PlanarView(coordinates: coordinates, xLabel: "LDA direction 1", yLabel: "LDA direction 2", hasDataUnits: false)
        }
    }
}
