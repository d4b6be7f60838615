import Foundation

/// Writes a report's three files into a directory, each atomically, so a reader never sees a
/// half-written report and a rebuilt report replaces the old one whole.
public enum ReportWriter {
    /// The file names written, in order.
    public static let fileNames = ["report.json", "report.html", "report.csv"]

    /// Writes `report.json`, `report.html` and `report.csv` into `directory` (created with its
    /// parents if missing) and returns their URLs in that order. The page shows `pictures`, by
    /// default the representative runs replayed within `ClusteringPictures.defaultBudget`.
    @discardableResult
    public static func write(
        _ report: SweepReport, to directory: URL, pictures: ClusteringPictures? = nil
    ) throws(ReportError) -> [URL] {
        let pictures = pictures ?? ClusteringPictures.replay(report)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .directoryFailed(path: directory.path, underlying: error)
        }
        let contents: [Data] = [
            try report.jsonData(),
            Data(ReportHTML.render(report, pictures: pictures).utf8),
            Data(ReportCSV.render(report).utf8),
        ]
        var urls: [URL] = []
        for (name, data) in zip(fileNames, contents) {
            let url = directory.appendingPathComponent(name)
            do {
                try data.write(to: url, options: .atomic)
            } catch {
                throw .writeFailed(path: url.path, underlying: error)
            }
            urls.append(url)
        }
        return urls
    }
}
