import Foundation
import TrainingCore
import Charts

/// Writes the files of one `clustersweep train --out DIR` run: `summary.json`, `curve.csv`, one
/// `snapshot-epoch-NNNNN.svg` per snapshot and, when asked, `animation.svg`.
public struct RunArtifactWriter: Sendable {
    public var directory: URL
    public var writesAnimation: Bool

    public init(directory: URL, writesAnimation: Bool = false) {
        self.directory = directory
        self.writesAnimation = writesAnimation
    }

    /// Writes every file for `outcome`; returns the files written, in order.
    @discardableResult
    public func write(_ outcome: ExperimentOutcome) throws(RunArtifactError) -> [URL] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(file: directory.path, reason: "\(error)")
        }
        var written: [URL] = []
        let summaryURL = directory.appendingPathComponent("summary.json")
        try save(Self.summaryJSON(outcome.summary), to: summaryURL)
        written.append(summaryURL)
        let curveURL = directory.appendingPathComponent("curve.csv")
        try save(Data(Self.curveCSV(outcome.curve).utf8), to: curveURL)
        written.append(curveURL)
        let classes = outcome.summary.config.classes
        for snapshot in outcome.snapshots {
            let url = directory.appendingPathComponent(Self.snapshotFileName(epoch: snapshot.epoch))
            try save(Data(SnapshotChart.plot(snapshot, classes: classes).render().utf8), to: url)
            written.append(url)
        }
        if writesAnimation && !outcome.snapshots.isEmpty {
            let url = directory.appendingPathComponent("animation.svg")
            try save(Data(SnapshotChart.animation(outcome.snapshots, classes: classes).render().utf8), to: url)
            written.append(url)
        }
        return written
    }

    /// The files of an earlier run in `directory`: what `write` would write (summary.json,
    /// curve.csv, snapshot-epoch-*.svg, animation.svg), sorted; nothing else counts.
    public static func existingRunFiles(in directory: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { name in
            ["summary.json", "curve.csv", "animation.svg"].contains(name)
                || (name.hasPrefix("snapshot-epoch-") && name.hasSuffix(".svg"))
        }.sorted()
    }

    /// Makes `directory` ready for a new run before it starts, so runs never mix: a directory with
    /// another run's files is refused unless `force`, which removes just those files.
    public func prepare(force: Bool) throws(RunArtifactError) {
        let existing = Self.existingRunFiles(in: directory)
        guard !existing.isEmpty else { return }
        guard force else { throw .directoryHoldsAnotherRun(directory: directory.path, files: existing) }
        for name in existing {
            do {
                try FileManager.default.removeItem(at: directory.appendingPathComponent(name))
            } catch {
                throw .cannotWrite(file: directory.appendingPathComponent(name).path, reason: "\(error)")
            }
        }
    }

    /// `snapshot-epoch-00500.svg` (zero-padded so files sort by epoch).
    public static func snapshotFileName(epoch: Int) -> String {
        let digits = String(epoch)
        return "snapshot-epoch-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".svg"
    }

    /// `summary.json`: sorted keys, unescaped slashes, non-finite values as `null`.
    public static func summaryJSON(_ summary: TrainSummary) throws(RunArtifactError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        do {
            return try encoder.encode(summary)
        } catch {
            throw .cannotWrite(file: "summary.json", reason: "\(error)")
        }
    }

    /// `curve.csv`: `epoch,loss,lda_silhouette,knn_accuracy,silhouette,fisher_ratio`, one row per
    /// check; a non-finite value is an empty field.
    public static func curveCSV(_ curve: [CheckRecord]) -> String {
        var out = "epoch,loss," + ClusterMetric.allCases.map(\.key).joined(separator: ",") + "\n"
        for record in curve {
            let values = [record.values.loss] + ClusterMetric.allCases.map { record.values[$0] }
            out += "\(record.epoch)," + values.map { $0.isFinite ? "\($0)" : "" }.joined(separator: ",") + "\n"
        }
        return out
    }

    private func save(_ data: Data, to url: URL) throws(RunArtifactError) {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw .cannotWrite(file: url.path, reason: "\(error)")
        }
    }
}
