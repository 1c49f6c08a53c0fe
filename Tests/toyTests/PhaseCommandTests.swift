import ToyPlot
import XCTest

@testable import toy

/// `toy phase` draws the closed-form winners of paper-notes §3.4.
final class PhaseCommandTests: XCTestCase {
  func testTheTwoInOneDiagramIsTheClosedFormsCheapestCandidate() {
    let (columns, rows) = (30, 15)
    let diagram = PhaseCommand.diagram(.twoInOne, columns: columns, rows: rows)
    XCTAssertEqual(diagram.categories.map(\.name), ["not represented", "dedicated dimension", "superposition"])
    for row in 0..<rows {
      for column in 0..<columns {
        let r = diagram.axes.importance(column: column, of: columns)
        let s = diagram.axes.density(row: row, of: rows)
        let dropped = s / 3 - s * s / 4
        let losses = [r * dropped, dropped, (1 + r) * s * s / 6]
        let best = losses.indices.min { losses[$0] < losses[$1] }!
        XCTAssertEqual(diagram.cells[row][column], best, "r = \(r), s = \(s)")
      }
    }
  }

  func testTheThreeInTwoDiagramHasFourDistinctCategories() {
    let diagram = PhaseCommand.diagram(.threeInTwo, columns: 20, rows: 20)
    XCTAssertEqual(Set(diagram.cells.joined()), [0, 1, 2, 3])
    XCTAssertEqual(Set(diagram.categories.map(\.letter)).count, 4)
    XCTAssertEqual(Set(diagram.categories.map(\.color)).count, 4)
    // Below s = 4/7 the regular pair antipodal is cheaper than dropping a regular feature.
    XCTAssertEqual(diagram.cells[19][19], 3)
  }

  /// `--train` trains as long as the notebook and the examples do, 10,000 steps, unless told.
  func testTrainingDefaultsToTheNotebooksTenThousandSteps() throws {
    XCTAssertEqual(try PhaseCommand.parse(["--train"]).steps, 10_000)
    XCTAssertEqual(try PhaseCommand.parse(["--train", "--steps", "300"]).steps, 300)
    XCTAssertTrue(PhaseCommand.helpMessage().contains("10,000"), PhaseCommand.helpMessage())
  }
}
