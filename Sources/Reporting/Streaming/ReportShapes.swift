import Foundation
import SweepModel

/// What a report needs of one distinct parameter text (`ReportRowsPage.shapes`), worked out once
/// per text however many jobs share it: its group, its own parameters and its CSV fields. Jobs
/// of one grid point differ only in their seed, so a million jobs are flattened a few times.
struct ReportShapes {
    struct Shape {
        /// The accumulator's group (flattened parameters without the seed).
        var group: Int
        /// The job's own parameters (`ParameterSplit.own`), without the seed when rows carry it.
        var own: [String: ParameterValue]
        /// The CSV parameter fields before the seed column (with the comma that follows them) and
        /// after it (with the comma before them); `csvAfter` is `nil` when there is no seed to
        /// fill in (the shape held the seed): `csvBefore` then holds every field.
        var csvBefore: String
        var csvAfter: String?
        /// Every parameter key of a job of this shape, to check the CSV's columns.
        var keys: Set<String>
        /// The job's `parameters` object in report.json, split around the seed's value like
        /// `csvBefore` and `csvAfter` (`jsonBefore` ends with `"seed":`).
        var jsonBefore: String
        var jsonAfter: String?
    }

    private var known: [String: Shape] = [:]
    /// Every parameter key of every shape worked out so far.
    private(set) var allKeys: Set<String> = []
    private let decoder = NonFiniteNumbers.decoder()

    /// The flattened parameters of a shape text; the seed is the stored one only when
    /// `seedInShape` (else the default the row's seed replaces).
    func flatten(_ text: String) throws(ReportError) -> [String: ParameterValue] {
        do {
            return ReportParameters.flatten(try NonFiniteNumbers.decode(JobParameters.self, from: Data(text.utf8), using: decoder))
        } catch {
            throw .malformedPage("parameters that do not decode: \(error)")
        }
    }

    /// The shape of `text` (rows carry the seed unless `seedInShape`), worked out on first use.
    mutating func shape(
        _ text: String, seedInShape: Bool, split: ParameterSplit, columns: [String], accumulator: inout ReportAccumulator
    ) throws(ReportError) -> Shape {
        if let shape = known[text] { return shape }
        var flat = try flatten(text)
        let group = accumulator.group(for: ReportParameters.without(flat, [ReportParameters.seedKey]))
        if !seedInShape { flat[ReportParameters.seedKey] = nil }
        var own = split.own(flat)
        if !seedInShape { own[ReportParameters.seedKey] = nil }
        let all = split.merged(own)
        let seedColumn = seedInShape ? nil : columns.firstIndex(of: ReportParameters.seedKey)
        let fields = columns.map { ReportCSV.quote(all[$0]?.description ?? "") }
        // The own parameters in key order, the seed's value left out when the rows carry it.
        let ownKeys = (seedInShape ? Array(own.keys) : Array(own.keys) + [ReportParameters.seedKey]).sorted()
        let entries = ownKeys.map { key in
            key == ReportParameters.seedKey && !seedInShape ? nil : JobJSONWriter.entry(key, own[key] ?? .null)
        }
        let jsonBefore: String, jsonAfter: String?
        if let seedEntry = seedInShape ? nil : ownKeys.firstIndex(of: ReportParameters.seedKey) {
            let head = entries[..<seedEntry].compactMap { $0 }, tail = entries[(seedEntry + 1)...].compactMap { $0 }
            jsonBefore = "{" + head.map { $0 + "," }.joined() + #""seed":"#
            jsonAfter = tail.map { "," + $0 }.joined() + "}"
        } else {
            jsonBefore = "{" + entries.compactMap { $0 }.joined(separator: ",") + "}"
            jsonAfter = nil
        }
        let shape: Shape
        if let seedColumn {
            shape = Shape(
                group: group, own: own,
                csvBefore: seedColumn > 0 ? fields[..<seedColumn].joined(separator: ",") + "," : "",
                csvAfter: seedColumn < fields.count - 1 ? "," + fields[(seedColumn + 1)...].joined(separator: ",") : "",
                keys: Set(all.keys).union([ReportParameters.seedKey]), jsonBefore: jsonBefore, jsonAfter: jsonAfter)
        } else {
            shape = Shape(
                group: group, own: own, csvBefore: fields.joined(separator: ","), csvAfter: nil,
                keys: Set(all.keys).union(seedInShape ? [] : [ReportParameters.seedKey]), jsonBefore: jsonBefore,
                jsonAfter: jsonAfter)
        }
        known[text] = shape
        allKeys.formUnion(shape.keys)
        return shape
    }
}
