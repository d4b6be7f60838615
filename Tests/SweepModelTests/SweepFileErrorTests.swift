import Foundation
import Testing
@testable import SweepModel

/// Every validation error names file, line, column and key path; these pin the exact messages.
@Suite struct SweepFileErrorTests {
    /// Parses `text` expecting failure; returns the printed problems, one per line.
    private func errors(_ text: String, file: String = "configs/bad.yaml") throws -> [String] {
        do {
            let spec = try SweepFile.parse(text: text, sourceName: file)
            Issue.record("expected an error, got \(spec)")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    private let header = "version: 1\nname: bad\n"

    @Test func outOfRangeGridValue_namesTheGridEntry() throws {
        let text = header + """
            experiment:
              points: 500
            seeds: 0..1
            grid:
              max_epochs: [100]
              dimension: [2, 3, 0, 8]
            """
        #expect(try errors(text) == ["configs/bad.yaml:8:21: grid.dimension[2]: must be between 1 and 4096 (got 0)"])
    }

    @Test func description_isReadAndLeavesTheSweepIDAlone() throws {
        let plain = try SweepFile.parse(text: header + "seeds: 0..1\n", sourceName: "a.yaml")
        let described = try SweepFile.parse(
            text: header + "description: |\n  Does D = 3 cluster sooner?\n  Ten seeds.\nseeds: 0..1\n", sourceName: "a.yaml")
        #expect(described.description == "Does D = 3 cluster sooner?\nTen seeds.")
        #expect(described.id == plain.id)
        #expect(try errors(header + "description: [1, 2]\n") == [
            "configs/bad.yaml:3:14: description: must be a word (got a list)",
        ])
    }

    @Test func tabIndentation_isNamedAsATab() throws {
        #expect(try errors(header + "grid:\n\tdimension: [2]\n") == [
            "configs/bad.yaml:4:1: a tab character: YAML indents with spaces only; replace the tab with spaces",
        ])
    }

    @Test func directoryGivenAsTheSweepFile_isNamedAsADirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-dir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let spec = try SweepFile.load(path: directory.path)
            Issue.record("a directory loaded as \(spec)")
        } catch {
            #expect(error.problems.map(\.description) == [
                "\(directory.path): is a directory; give a sweep file (YAML or JSON), e.g. configs/paper.yaml",
            ])
        }
    }

    @Test func outOfRangeExperimentValue_namesTheExperimentKey() throws {
        let text = header + "experiment:\n  learning_rate: 0\n  hidden: [16, 0]\n"
        #expect(try errors(text) == [
            "configs/bad.yaml:4:18: experiment.learning_rate: must be a finite number > 0 (got 0.0)",
            "configs/bad.yaml:5:16: experiment.hidden[1]: layer width must be between 1 and 65536 (got 0)",
        ])
    }

    @Test func crossFieldProblem_pointsAtTheValueThatCausesIt() throws {
        let text = header + "grid:\n  points: [2, 500]\n"
        #expect(try errors(text) == ["configs/bad.yaml:4:12: grid.points[0]: classes must not exceed points (3 > 2)"])
    }

    @Test func unknownKeys_suggestTheClosestKnownKey() throws {
        let text = """
            version: 1
            nam: typo
            max_attempt: 2
            dimension: 3
            experiment:
              dimention: 3
              input-learning-rate: 0.1
              seed: 4
              max_attempts: 2
            grid:
              metrik: [silhouette]
            """
        #expect(try errors(text) == [
            "configs/bad.yaml:1:1: missing key 'name' (e.g. name: dimension-sweep)",
            "configs/bad.yaml:2:1: nam: unknown key 'nam'; did you mean 'name'?",
            "configs/bad.yaml:3:1: max_attempt: unknown key 'max_attempt'; did you mean 'max_attempts'?",
            "configs/bad.yaml:4:1: dimension: unknown key 'dimension'; 'dimension' belongs under experiment: or grid:",
            "configs/bad.yaml:6:3: experiment.dimention: unknown key 'dimention'; did you mean 'dimension'?",
            "configs/bad.yaml:7:3: experiment.input-learning-rate: unknown key 'input-learning-rate'; did you mean 'input_learning_rate'?",
            "configs/bad.yaml:8:3: experiment.seed: unknown key 'seed'; seeds are set per job by the top-level seeds: (e.g. seeds: [4])",
            "configs/bad.yaml:9:3: experiment.max_attempts: unknown key 'max_attempts'; 'max_attempts' belongs at the top level, not under experiment:",
            "configs/bad.yaml:11:3: grid.metrik: unknown key 'metrik'; did you mean 'metric'?",
        ])
    }

    @Test func unknownKeyFarFromAnyKnownKey_listsTheKnownKeys() throws {
        #expect(try errors(header + "colour: blue\n") == [
            "configs/bad.yaml:3:1: colour: unknown key 'colour' (known: version, name, description, kind, experiment, grid, seeds, max_attempts, job_timeout_seconds)",
        ])
    }

    @Test func wrongTypes_sayWhatWasExpectedAndWhatWasFound() throws {
        let text = header + """
            kind: sleeep
            experiment:
              points: '500'
              classes: 2.5
              range: lots
              keep_going: yes
              metric: lda
              hidden: 16
              dimension: 0500
            max_attempts: [3]
            job_timeout_seconds: .inf
            """
        #expect(try errors(text) == [
            "configs/bad.yaml:3:7: kind: unknown value 'sleeep' (known: train, noop, sleep; did you mean 'sleep'?)",
            "configs/bad.yaml:5:11: experiment.points: must be an integer, not a string (remove the quotes around 500)",
            "configs/bad.yaml:6:12: experiment.classes: must be an integer (got 2.5)",
            "configs/bad.yaml:7:10: experiment.range: must be a number (got lots)",
            "configs/bad.yaml:8:15: experiment.keep_going: must be true or false (got yes)",
            "configs/bad.yaml:9:11: experiment.metric: unknown value 'lda' (known: lda-silhouette, knn-accuracy, silhouette, fisher-ratio)",
            "configs/bad.yaml:10:11: experiment.hidden: must be a list of integers, e.g. [16, 16] (got 16)",
            "configs/bad.yaml:11:14: experiment.dimension: must be a decimal integer without leading zeros (got 0500)",
            "configs/bad.yaml:12:15: max_attempts: must be an integer (got a list)",
            "configs/bad.yaml:13:22: job_timeout_seconds: must be a finite number (got .inf)",
        ])
    }

    @Test func emptyAndDuplicateGridValues_areRefused() throws {
        let text = header + """
            grid:
              dimension: []
              input_learning_rate: [0.001, 1e-3]
              hidden: [16, 32]
            """
        #expect(try errors(text) == [
            "configs/bad.yaml:4:14: grid.dimension: is an empty list; give at least one value",
            "configs/bad.yaml:5:32: grid.input_learning_rate[1]: duplicate value (same as grid.input_learning_rate[0]); each grid point must be distinct",
            "configs/bad.yaml:6:12: grid.hidden[0]: must be a list of integers, e.g. [16, 16] (got 16)",
            "configs/bad.yaml:6:16: grid.hidden[1]: must be a list of integers, e.g. [16, 16] (got 32)",
        ])
        #expect(try errors(header + "grid: {}\n") == [
            "configs/bad.yaml:3:7: grid: is empty; give at least one key with a list of values, or remove grid: to run one job per seed",
        ])
        #expect(try errors(header + "grid:\n  seed: [1, 2]\n") == [
            "configs/bad.yaml:4:3: grid.seed: seeds are not a grid axis; use the top-level seeds: (e.g. seeds: 0..9)",
        ])
    }

    @Test func badSeeds_areRefusedWithTheirPosition() throws {
        #expect(try errors(header + "seeds: 10\n") == [
            "configs/bad.yaml:3:8: seeds: write an inclusive range like 0..9 or a list like [0, 1, 2] (got 10; for 10 seeds write 0..9, for seed 10 alone write [10])",
        ])
        #expect(try errors(header + "seeds: 9..0\n") == [
            "configs/bad.yaml:3:8: seeds: the range 9..0 is empty; the first seed must not exceed the last",
        ])
        #expect(try errors(header + "seeds: [1, -2, 1]\n") == [
            "configs/bad.yaml:3:12: seeds[1]: seeds must be non-negative (got -2)",
            "configs/bad.yaml:3:16: seeds[2]: duplicate seed 1 (same as seeds[0])",
        ])
        #expect(try errors(header + "seeds: []\n") == ["configs/bad.yaml:3:8: seeds: is an empty list; give at least one seed"])
    }

    @Test func versions_otherThanOne_nameTheSupportedOnes() throws {
        #expect(try errors("version: 2\nname: x\nunknown: 1\n") == [
            "configs/bad.yaml:1:10: version: unsupported version 2 (supported: 1)",
        ])
        #expect(try errors("name: x\n") == ["configs/bad.yaml:1:1: missing key 'version' (supported: 1)"])
    }

    @Test func keySetTwice_orSleepOutsideSleepKind_isRefused() throws {
        let text = header + "experiment:\n  dimension: 2\n  sleep_ms: 10\ngrid:\n  dimension: [2, 3]\n"
        #expect(try errors(text) == [
            "configs/bad.yaml:5:13: experiment.sleep_ms: applies only to kind: sleep (this sweep's kind is train)",
            "configs/bad.yaml:7:3: grid.dimension: also set in experiment: (line 4); set each key in one place",
        ])
    }

    @Test func hugePlans_areRefusedBeforeExpansion() throws {
        let text = header + "grid:\n  points: [100, 200, 300]\nseeds: 0..499999\n"
        #expect(try errors(text) == ["configs/bad.yaml:3:1: grid: the plan has 1500000 jobs; the limit is 1000000"])
    }

    @Test func syntaxErrors_carryLineAndColumn() throws {
        #expect(try errors(header + "experiment: {points: 2\n") == [
            "configs/bad.yaml:4:1: invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping at line 3, column 13)",
        ])
        #expect(try errors(header + "name: again\n") == ["configs/bad.yaml:2:1: duplicate key 'name' in one mapping"])
        #expect(try errors("") == ["configs/bad.yaml:1:1: the file is empty; a sweep file needs at least version: 1 and name:"])
        #expect(try errors("- 1\n- 2\n") == [
            "configs/bad.yaml:1:1: a sweep file must be a mapping of keys to values (got a list)",
        ])
    }

    @Test func hostileStructure_isRefusedBeforeTheYAMLParser() throws {
        let deep = header + "experiment:\n  hidden: " + String(repeating: "[", count: 80) + "\n"
        #expect(try errors(deep) == ["configs/bad.yaml:4:70: lists and mappings are nested more than 64 deep"])
        let aliases = header + "experiment: &e {points: 10}\n"
        #expect(try errors(aliases) == [
            "configs/bad.yaml:3:13: anchors and aliases (&name, *name) are not supported in sweep files",
        ])
    }

    @Test func jsonErrors_carryLinesToo() throws {
        let text = """
            {
              "version": 1,
              "name": "bad",
              "grid": {"dimension": [2, 0]},
              "seeds": "0..1"
            }
            """
        #expect(try errors(text, file: "bad.json") == ["bad.json:4:29: grid.dimension[1]: must be between 1 and 4096 (got 0)"])
    }

    @Test func load_refusesMissingAndNonUTF8Files() throws {
        let missing = "/nonexistent/sweep.yaml"
        #expect(throws: SweepFileError.self) { try SweepFile.load(path: missing) }
        do {
            _ = try SweepFile.load(path: missing)
        } catch {
            #expect(error.description == "/nonexistent/sweep.yaml: no such file")
            #expect(error.line == nil)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID()).yaml").path
        try Data([0x76, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try SweepFile.load(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "\(path): the file is not valid UTF-8 text")
        }
    }

    @Test func errorProperties_describeTheFirstProblem() throws {
        do {
            _ = try SweepFile.parse(text: header + "grid:\n  dimension: [2, 0]\n", sourceName: "x.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "x.yaml")
            #expect(error.line == 4)
            #expect(error.column == 18)
            #expect(error.keyPath == "grid.dimension[1]")
            #expect(error.reason == "must be between 1 and 4096 (got 0)")
        }
    }
}
