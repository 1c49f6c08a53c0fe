import Foundation
import XCTest

@testable import toy

/// `toy train` is a script run by the evaluator: its options translate to statements, its
/// output is the language's, and its errors are the language's, told in the options' names.
final class TrainCommandTests: XCTestCase {
  func testTheBenchSweepIsTheNotebooksDensities() {
    let densities = BenchConfiguration.notebookDensities(10)
    XCTAssertEqual(densities.first, 1)
    XCTAssertEqual(Double(densities.last!), 0.05, accuracy: 1e-7)
    // Evenly spaced in log: each ratio is 20^(−1/9).
    for (a, b) in zip(densities, densities.dropFirst()) {
      XCTAssertEqual(Double(b / a), 1 / 1.394_93, accuracy: 1e-4)
    }
    XCTAssertEqual(BenchConfiguration.notebookDensities(1), [1])
  }

  func testListsParseAndNameTheBadItem() throws {
    XCTAssertEqual(try parseList("1, 0.3,0.1", option: "--density"), [1, 0.3, 0.1])
    XCTAssertThrowsError(try parseList("1,x", option: "--density")) { error in
      XCTAssertTrue("\(error)".contains("'x' is not a number"), "\(error)")
    }
    XCTAssertThrowsError(try parseList("", option: "--density"))
  }

  /// The options as statements, each one the option's meaning: the default sweep is the
  /// notebook's 20^-linspace(0, 1, I), geometry is drawn as the paper draws it.
  func testTheOptionsAreAScript() throws {
    let defaults = try TrainCommand.parse([]).script()
    XCTAssertEqual(
      defaults.text,
      """
      model n=5 m=2 kind=relu importance=0.9^i density=p seed=0 for p in 20^-linspace(0, 1, 10)
      train 10000 batch=1024 lr=0.001 schedule=constant optimizer=adamw
      print loss
      print norms
      """)
    let chosen = try TrainCommand.parse([
      "--n", "3", "--m", "1", "--kind", "abs", "--importance=-0.5", "--sparsity", "0.9, 0.99", "--steps", "50",
      "--initialization", "xavier_instance", "--seed", "18446744073709551615", "--show", "Geometry,loss", "--svg",
      "out/plots.svg", "--save", "m.json",
    ]).script()
    XCTAssertEqual(
      chosen.text,
      """
      model n=3 m=1 kind=abs importance=(-0.5)^i sparsity=S init=xavier_instance seed=18446744073709551615 for S in [0.9, 0.99]
      train 50 batch=1024 lr=0.001 schedule=constant optimizer=adamw
      print loss
      print norms
      show geometry orient=canonical
      show loss
      export geometry "out/plots-geometry.svg" orient=canonical
      export loss "out/plots-loss.svg"
      save "m.json"
      """)
    // The report runs after the training, even when Ctrl-C stopped it.
    XCTAssertEqual(
      chosen.parts.map(\.text),
      [chosen.lines[..<2].joined(separator: "\n"), chosen.lines[2...].joined(separator: "\n")])
    XCTAssertEqual(chosen.parts.map(\.firstLine), [1, 3])
  }

  func testOneSVGIsTheFileItself() throws {
    let script = try TrainCommand.parse(["--show", "wtw", "--svg", "w.svg"]).script()
    XCTAssertEqual(script.lines.last, "export wtw \"w.svg\"")
    XCTAssertEqual(TrainCommand.path("plots", "wtw"), "plots-wtw.svg")
    XCTAssertEqual(TrainCommand.path("a.b/plots.SVG", "loss"), "a.b/plots-loss.SVG")
  }

  func testOptionsThatCannotBeWrittenAsAScriptAreUsageErrors() {
    XCTAssertThrowsError(try TrainCommand.parse(["--lr", "inf"]))
    XCTAssertThrowsError(try TrainCommand.parse(["--show", "w t w"]))
    XCTAssertThrowsError(try TrainCommand.parse(["--show", " , "]))
    XCTAssertThrowsError(try TrainCommand.parse(["--save", "a\"b.json"]))
    XCTAssertThrowsError(try TrainCommand.parse(["--svg", "x.svg"]), "--svg needs --show")
    XCTAssertThrowsError(try TrainCommand.parse(["--instances", "0"]))
    XCTAssertNoThrow(try TrainCommand.parse(["--show", "geometry,wtw,norms,loss", "--svg", "x.svg"]))
  }

  /// `toy train` and the script it stands for, written out by hand, give the same displays:
  /// the same numbers, text and SVG, display by display.
  func testTrainGivesWhatTheSameScriptGives() throws {
    let train = try BuiltToy.shell(
      "\"$TOY\" train --n 3 --m 2 --density 1,0.1 --steps 40 --batch 64 --show wtw,loss --format json --color never")
    let script = try BuiltToy.shell(
      "\"$TOY\" --format json --color never -e \"$1\"",
      arguments: [
        "sh",
        """
        model n=3 m=2 importance=0.9^i density=p seed=0 for p in [1, 0.1]
        train 40 batch=64
        print loss
        print norms
        show wtw
        show loss
        """,
      ])
    let (a, b) = (try Self.bundles(train), try Self.bundles(script))
    XCTAssertEqual(a.count, 4, train)
    XCTAssertEqual(a, b)
  }

  /// The printed norms are ‖W_i‖ of the saved weights, computed here from the file.
  func testPrintedNormsAreTheSavedWeightsNorms() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("toy-train-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("m.json")
    let output = try BuiltToy.shell(
      "\"$TOY\" train --n 4 --m 2 --density 1,0.3,0.05 --steps 30 --batch 32 --format json --save \"$1\"",
      arguments: ["sh", file.path])
    let norms = try XCTUnwrap(
      Self.records(output).first { $0["metric"] as? String == "norms" }?["values"] as? [[Double]])
    let saved = try XCTUnwrap(
      JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
    let instances = try XCTUnwrap(saved["instances"] as? [[String: Any]])
    XCTAssertEqual(norms.count, 3)
    var largest = 0.0
    for (printed, instance) in zip(norms, instances) {
      let rows = try XCTUnwrap(instance["W"] as? [[Double]])
      let expected = rows.map { row in row.reduce(0) { $0 + $1 * $1 }.squareRoot() }
      for (x, y) in zip(printed, expected) { largest = max(largest, abs(x - y)) }
    }
    XCTAssertLessThan(largest, 1e-6, "largest difference \(largest)")
  }

  /// Errors are the language's, with the option as typed: the sparsity is checked as a
  /// sparsity (it was converted to a density first, and reported as one).
  func testErrorsAreTheLanguagesInTheOptionsNames() throws {
    let cases = [
      (
        "--sparsity 1",
        "toy train: --sparsity 1: sparsity of feature 0 is 1; it must be a number in [0, 1) per feature"
      ),
      (
        "--density 1 --sparsity 0.5",
        "toy train: --sparsity 0.5: give density or sparsity, not both (density = 1 − sparsity)"
      ),
      ("--steps 0", "toy train: --steps 0: the number of steps must be a whole number from 1 to 100000000, got 0"),
      ("--lr 20", "toy train: --lr 20: lr must be a number in (0, 10], got 20"),
      (
        "--show geometry --m 3",
        "toy train: --show geometry: geometry draws 2-D models; this one has m=3\ntry show wtw"
      ),
    ]
    for (arguments, message) in cases {
      let output = try BuiltToy.shell("\"$TOY\" train \(arguments) 2>&1 >/dev/null; echo \"status $?\"")
      XCTAssertEqual(output, message + "\nstatus 1\n", arguments)
    }
    let unknown = try BuiltToy.shell("\"$TOY\" train --show wtw,pie 2>&1 >/dev/null")
    XCTAssertTrue(unknown.hasPrefix("toy train: --show pie: there is no plot called 'pie'\nshow draws: wtw,"), unknown)
  }

  /// Each line's display bundle (text, SVG, the toy JSON), without the statement and its
  /// place, which name the script's source.
  static func bundles(_ output: String) throws -> [NSDictionary] {
    try output.split(separator: "\n").map { line in
      let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      return try XCTUnwrap(object["data"] as? NSDictionary)
    }
  }

  /// Each display's record: the `data` of the toy JSON.
  static func records(_ output: String) throws -> [[String: Any]] {
    try bundles(output).map { bundle in
      let text = try XCTUnwrap(bundle[ToyRun.mimeType] as? [String: Any])
      return try XCTUnwrap(text["data"] as? [String: Any])
    }
  }
}
