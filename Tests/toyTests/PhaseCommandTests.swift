import Foundation
import XCTest

@testable import toy

/// `toy phase` draws the closed-form winners of paper-notes §3.4 (the display
/// `PhaseTheory.display` makes, tested with the theory in ToyLanguageTests), and with
/// `--train` runs the script of `show phase`.
final class PhaseCommandTests: XCTestCase {
  /// `--train` trains as long as the notebook and the examples do, 10,000 steps, unless told.
  func testTrainingDefaultsToTheNotebooksTenThousandSteps() throws {
    XCTAssertEqual(try PhaseCommand.parse(["--train"]).steps, 10_000)
    XCTAssertEqual(try PhaseCommand.parse(["--train", "--steps", "300"]).steps, 300)
    XCTAssertTrue(PhaseCommand.helpMessage().contains("10,000"), PhaseCommand.helpMessage())
  }

  /// The grid's points at the centres of equal steps in log over the paper's ranges, the
  /// densest row first (the order instances were trained in before).
  func testTrainIsAScriptEndingInShowPhase() throws {
    let script = try PhaseCommand.parse([
      "--train", "--kind", "3x2", "--points", "4", "--models", "3", "--svg", "p.svg",
    ])
    .script()
    XCTAssertEqual(
      script.text,
      """
      model n=3 m=2 kind=relu importance=[1, 1, r] density=s seeds=3 seed=0 for s in logspace(-1/4, -2 + 1/4, 4), r in logspace(-1 + 1/4, 1 - 1/4, 4)
      train 10000
      show phase
      export phase "p.svg"
      """)
    XCTAssertThrowsError(try PhaseCommand.parse(["--train", "--resolution", "20"]))
  }

  /// `toy phase --train` draws what `show phase` draws after the same script written by hand:
  /// the same figure, numbers and text.
  func testTrainGivesWhatShowPhaseGives() throws {
    let command = try BuiltToy.shell(
      "\"$TOY\" phase --train --points 2 --models 2 --steps 30 --format json --color never --width 100")
    let script = try BuiltToy.shell(
      "\"$TOY\" --format json --color never --width 100 -e \"$1\"",
      arguments: [
        "sh",
        """
        model n=2 m=1 importance=[1, r] density=s seeds=2 seed=0 for s in [10^-0.5, 10^-1.5], r in [10^-0.5, 10^0.5]
        train 30
        show phase
        """,
      ])
    let (a, b) = (try TrainCommandTests.bundles(command), try TrainCommandTests.bundles(script))
    XCTAssertEqual(a.count, 1, command)
    XCTAssertEqual(a, b)
    let record = try XCTUnwrap(TrainCommandTests.records(command).first?["data"] as? [String: Any])
    // The points at the centres of two equal steps in log: r from 0.1 to 10, 1−S from 1 to 0.01.
    let r = try XCTUnwrap(record["relative_importance"] as? [Double])
    let density = try XCTUnwrap(record["density"] as? [Double])
    for (got, want) in zip(
      r + density, [0.1 * 10.0.squareRoot(), 10 / 10.0.squareRoot(), 0.1.squareRoot(), 0.01 * 10.0.squareRoot()])
    {
      XCTAssertEqual(got, want, accuracy: want * 1e-6)
    }
    XCTAssertEqual((record["phase"] as? [[String]])?.count, 2)
  }

  /// Without --train, the theory alone; as JSON, its grid at the resolution asked.
  func testTheTheoryAloneAsJSON() throws {
    let output = try BuiltToy.shell("\"$TOY\" phase --resolution 4 --format json")
    let record = try XCTUnwrap(TrainCommandTests.records(output).first)
    XCTAssertEqual((record["cells"] as? [[Double]])?.map(\.count), [4, 4, 4, 4])
    XCTAssertEqual(record["categories"] as? [String], ["not represented", "dedicated dimension", "superposition"])
  }
}
