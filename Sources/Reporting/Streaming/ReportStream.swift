import Foundation
import SweepModel
import TrainingCore

/// Writes a sweep's report.json, report.html and report.csv from pages of its jobs
/// (`ReportRowsPage`, from a store or a coordinator), holding one page at a time: the jobs go to
/// disk as they are read, and only compact columns (`ReportAccumulator`) stay for the
/// statistics. The files are those `ReportWriter` writes for the same jobs, byte for byte, and
/// each appears atomically.
public enum ReportStream {
    /// Reads the page of jobs from plan index `from`, at most `limit`, with the sweep's record.
    public typealias PageReader = (_ from: Int, _ limit: Int) throws -> (sweep: SweepRecord, page: ReportRowsPage)

    /// What was written.
    public struct Outcome: Sendable {
        /// The report without its job list (`jobs` is empty; `digest` has the failures).
        public var report: SweepReport
        /// report.json, report.html, report.csv.
        public var files: [URL]
        /// Pages read (the representative runs' reads included).
        public var pages: Int
        /// Jobs the report kept anything of while reading (`ReportAccumulator.retainedJobs`):
        /// the memory that grows with the sweep.
        public var retainedJobs: Int
    }

    /// The default page: what one `client.report_page` asks for.
    public static let defaultPageSize = 1000

    /// Reads every page through `read` and writes the three files into `directory` (created if
    /// missing). `pictures: false` leaves the replayed runs out of the page (the dashboard,
    /// benchmarks), as `ReportHTML.render` without pictures does.
    public static func write(
        to directory: URL, pageSize: Int = defaultPageSize, generatedAt: Date = Date(), pictures: Bool = true,
        read: @escaping PageReader
    ) throws(ReportError) -> Outcome {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .directoryFailed(path: directory.path, underlying: error)
        }
        do {
            var pass = try Pass(directory: directory, pageSize: pageSize, generatedAt: generatedAt, columns: nil, read: read)
            if let columns = pass.missingColumns {
                // A job had a parameter the first one lacks: once more with every column.
                pass.discard()
                pass = try Pass(directory: directory, pageSize: pageSize, generatedAt: generatedAt, columns: columns, read: read)
            }
            return try pass.finish(pictures: pictures)
        } catch {
            // Whatever failed, no part file stays behind (the old report, if any, does).
            for name in partNames { try? FileManager.default.removeItem(at: directory.appendingPathComponent(name)) }
            throw error
        }
    }

    /// As `write(to:pageSize:generatedAt:pictures:read:)`, with the pages read on a thread of
    /// their own one page ahead (`PagePrefetcher`): `makeReader` runs on that thread and its
    /// reader is used only there, so it may own a socket.
    public static func write(
        to directory: URL, pageSize: Int = defaultPageSize, generatedAt: Date = Date(), pictures: Bool = true,
        prefetching makeReader: @escaping @Sendable () throws -> PageReader
    ) throws(ReportError) -> Outcome {
        let prefetcher = PagePrefetcher(makeReader: makeReader)
        defer { prefetcher.stop() }
        return try write(to: directory, pageSize: pageSize, generatedAt: generatedAt, pictures: pictures) { from, limit in
            try prefetcher.page(from: from, limit: limit)
        }
    }

    /// The files written beside the report while it is read.
    static let partNames = [".report.json.jobs.part", ".report.csv.part", ".report.json.part"]

    /// One read of every page into the jobs' parts of report.json and report.csv.
    private struct Pass {
        let directory: URL
        let read: PageReader
        var sweep: SweepRecord
        var split = ParameterSplit()
        var columns: [String] = []
        var accumulator = ReportAccumulator()
        var shapes = ReportShapes()
        var pages = 0
        /// Every parameter column, when some job had one that `columns` lacks.
        var missingColumns: [String]?
        let jsonPart: PartFile
        let csvPart: PartFile
        let generatedAt: Date

        init(
            directory: URL, pageSize: Int, generatedAt: Date, columns fixed: [String]?, read: @escaping PageReader
        ) throws(ReportError) {
            self.directory = directory
            self.read = read
            self.generatedAt = generatedAt
            var (sweep, page) = try Self.call(read, from: 0, limit: pageSize)
            self.sweep = sweep
            jsonPart = try PartFile(directory.appendingPathComponent(ReportStream.partNames[0]))
            csvPart = try PartFile(directory.appendingPathComponent(ReportStream.partNames[1]))
            if let first = page.rows.first {
                var flat = try shapes.flatten(try Self.shapeText(first, in: page))
                if let seed = first.seed { flat[ReportParameters.seedKey] = ParameterValue.seed(seed) }
                split = ParameterSplit(
                    first: flat, ownKeys: ParameterSplit.gridKeys(sourceText: sweep.sourceText, sourceName: sweep.sourceName))
                columns = fixed ?? flat.keys.sorted()
            }
            try csvPart.append(Data(ReportCSV.header(parameterKeys: columns).utf8))
            var firstJob = true
            while true {
                pages += 1
                self.sweep = sweep
                try add(page, firstJob: &firstJob)
                guard page.more, !page.rows.isEmpty else { break }
                (sweep, page) = try Self.call(read, from: page.next, limit: pageSize)
            }
            let allKeys = shapes.allKeys.union(columns)
            if allKeys.count > columns.count { missingColumns = allKeys.sorted() }
        }

        private mutating func add(_ page: ReportRowsPage, firstJob: inout Bool) throws(ReportError) {
            var json = JobJSONWriter(capacity: page.rows.count * 256)
            var csv = ""
            csv.reserveCapacity(page.rows.count * 256)
            // The page's shapes, worked out on first use: rows point to them by index, so a long
            // parameter text is hashed once per page, not once per job.
            var resolved = [ReportShapes.Shape?](repeating: nil, count: page.shapes.count * 2)
            for row in page.rows {
                let slot = row.shape * 2 + (row.seed == nil ? 1 : 0)
                let shape: ReportShapes.Shape
                if resolved.indices.contains(slot), let known = resolved[slot] {
                    shape = known
                } else {
                    shape = try shapes.shape(
                        try Self.shapeText(row, in: page), seedInShape: row.seed == nil, split: split, columns: columns,
                        accumulator: &accumulator)
                    if resolved.indices.contains(slot) { resolved[slot] = shape }
                }
                let result: JobResult?
                do {
                    result = try row.result()
                } catch {
                    throw .malformedPage("job \(row.id.short): a result that does not decode: \(error)")
                }
                let seed = row.seed.map(ParameterValue.seed)
                let seedText = seed?.description ?? ""
                // The entry without its parameters, which are written from the shape's rendering;
                // a failed job kept for the page gets them whole.
                let job = ReportJob(
                    jobID: row.id.rawValue, index: row.index, parameters: [:], status: row.status,
                    attempts: .init(count: row.attempts, lastError: row.lastError), workerSeconds: result?.seconds,
                    result: result?.summary)
                accumulator.add(
                    group: shape.group, jobID: job.jobID, index: row.index,
                    seed: seed ?? shape.own[ReportParameters.seedKey] ?? .null, status: row.status, summary: job.result,
                    failed: {
                        var whole = job
                        whole.parameters = shape.own
                        if let seed { whole.parameters[ReportParameters.seedKey] = seed }
                        return whole
                    })
                let fields: String? = columns.isEmpty ? nil
                    : shape.csvAfter.map { shape.csvBefore + seedText + $0 } ?? shape.csvBefore
                csv += ReportCSV.row(job, parameterFields: fields)
                try json.append(
                    job, first: firstJob, parametersJSON: shape.jsonAfter.map { shape.jsonBefore + seedText + $0 } ?? shape.jsonBefore)
                firstJob = false
            }
            try jsonPart.append(Data(json.bytes))
            try csvPart.append(Data(csv.utf8))
        }

        /// The three files, put together; the parts are removed.
        mutating func finish(pictures: Bool) throws(ReportError) -> Outcome {
            let (report, representatives) = accumulator.report(sweep: sweep, split: split, generatedAt: generatedAt)
            var summaries: [String: TrainSummary] = [:]
            if pictures {
                for (jobID, index) in representatives {
                    pages += 1
                    let (_, page) = try Self.call(read, from: index, limit: 1)
                    guard let row = page.rows.first, row.id.rawValue == jobID,
                          let outcome = try? row.result()?.summary else { continue }
                    // The run's configuration is its parameters: the shape, with the row's seed.
                    var flat = try shapes.flatten(try Self.shapeText(row, in: page))
                    if let seed = row.seed { flat[ReportParameters.seedKey] = ParameterValue.seed(seed) }
                    if let config = ReportParameters.experiment(from: flat) {
                        summaries[jobID] = TrainSummary(config: config, outcome: outcome)
                    }
                }
            }
            let replayed = pictures ? ClusteringPictures.replay(report, summaries: summaries) : nil
            let json = directory.appendingPathComponent(ReportWriter.fileNames[0])
            let html = directory.appendingPathComponent(ReportWriter.fileNames[1])
            let csv = directory.appendingPathComponent(ReportWriter.fileNames[2])
            let assembled = try PartFile(directory.appendingPathComponent(ReportStream.partNames[2]))
            try assembled.append(try ReportJSON.head(report))
            try assembled.append(contentsOf: jsonPart)
            try assembled.append(try ReportJSON.tail(report))
            try assembled.close()
            try jsonPart.remove()
            try assembled.move(to: json)
            do {
                try Data(ReportHTML.render(report, pictures: replayed).utf8).write(to: html, options: .atomic)
            } catch {
                throw .writeFailed(path: html.path, underlying: error)
            }
            try csvPart.close()
            try csvPart.move(to: csv)
            return Outcome(report: report, files: [json, html, csv], pages: pages, retainedJobs: accumulator.retainedJobs)
        }

        func discard() {
            try? jsonPart.remove()
            try? csvPart.remove()
        }

        static func call(_ read: PageReader, from: Int, limit: Int) throws(ReportError) -> (sweep: SweepRecord, page: ReportRowsPage) {
            do {
                return try read(from, limit)
            } catch let error as ReportError {
                throw error
            } catch {
                throw .readFailed(underlying: error)
            }
        }

        static func shapeText(_ row: ReportRow, in page: ReportRowsPage) throws(ReportError) -> String {
            guard let text = page.shape(of: row) else {
                throw .malformedPage("job \(row.id.short) points to parameters \(row.shape) of \(page.shapes.count)")
            }
            return text
        }
    }
}
