import Charts
import TrainingCore

/// Turns snapshots into the scatter plots of the paper's figures: class colours, a legend, the
/// epoch in the title, and the right 2-D view for the dimension (see `PlanarView`).
public enum SnapshotChart {
    /// The scatter plot of one snapshot.
    public static func plot(_ snapshot: Snapshot, classes: Int) -> ScatterPlot {
        let view = snapshot.planarView(classes: classes)
        let points = zip(view.coordinates, snapshot.labels).map { coordinate, label in
            ScatterPlot.Point(x: coordinate.x, y: coordinate.y, group: label)
        }
        return ScatterPlot(
            title: title(snapshot), points: points, groupNames: (0..<classes).map { "class \($0)" },
            xLabel: view.xLabel, yLabel: view.yLabel, showsAxes: view.hasDataUnits)
    }

    /// All snapshots played in sequence in one SVG.
    public static func animation(_ snapshots: [Snapshot], classes: Int) -> ScatterAnimation {
        ScatterAnimation(frames: snapshots.map { plot($0, classes: classes) })
    }

    static func title(_ snapshot: Snapshot) -> String {
        let view = switch snapshot.dimension {
        case 3: ", oblique 3-D view"
        case 4...: ", projected on the LDA directions"
        default: ""
        }
        return "D = \(snapshot.dimension), epoch \(snapshot.epoch)\(view)"
    }
}
