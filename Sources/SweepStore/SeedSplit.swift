import Foundation
import SweepModel
import TrainingCore

/// A stored parameter text with its seed taken out: the one `"seed":DIGITS` of the text removed
/// with a comma beside it. Jobs of one grid point then share one text, which a report flattens
/// once. Plain text work (no JSON parse per job); `check` decodes both texts once per distinct
/// text to make sure the removed member was `experiment.seed`, and a text with no such member,
/// or more than one `"seed":`, is left whole.
struct SeedSplit {
    var shape: String
    var seed: UInt64

    init?(_ text: String) {
        let key = Array(#""seed":"#.utf8)
        let bytes = Array(text.utf8)
        var found: Int?
        var at = 0
        while at + key.count <= bytes.count {
            if bytes[at] == key[0], bytes[at..<(at + key.count)].elementsEqual(key) {
                guard found == nil else { return nil }  // two: leave the text whole
                found = at
                at += key.count
            } else {
                at += 1
            }
        }
        guard let start = found else { return nil }
        var end = start + key.count
        while end < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) { end += 1 }
        guard end > start + key.count, end < bytes.count,
              let seed = UInt64(String(decoding: bytes[(start + key.count)..<end], as: UTF8.self))
        else { return nil }
        var removeFrom = start, removeTo = end
        if bytes[end] == UInt8(ascii: ",") {
            removeTo += 1
        } else if bytes[end] == UInt8(ascii: "}"), start > 0, bytes[start - 1] == UInt8(ascii: ",") {
            removeFrom -= 1
        } else if bytes[end] != UInt8(ascii: "}") {
            return nil
        }
        shape = String(decoding: bytes[..<removeFrom] + bytes[removeTo...], as: UTF8.self)
        self.seed = seed
    }

    /// Whether `split` of `text` took out `experiment.seed` and nothing else.
    static func check(_ split: SeedSplit, of text: String, coding: StoreCoding) -> Bool {
        guard let whole = try? coding.value(JobParameters.self, json: text),
              var rest = try? coding.value(JobParameters.self, json: split.shape),
              rest.experiment.seed == ExperimentConfig().seed, whole.experiment.seed == split.seed
        else { return false }
        rest.experiment.seed = split.seed
        return rest == whole
    }
}
