import Foundation
import ToyCore
import ToyPlot
import XCTest

@testable import ToyLanguage

/// The theory's phase diagram (paper-notes §3.4) against the closed-form losses, as `show
/// phase` draws it and as `toy phase` shows it alone; and a strip of the diagram, a model
/// swept over one of its axes.
final class PhaseTheoryTests: XCTestCase {
  func testTheTwoInOneDiagramIsTheClosedFormsCheapestCandidate() {
    let (columns, rows) = (30, 15)
    let diagram = PhaseTheory.diagram(.twoInOne, columns: columns, rows: rows)
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
    let diagram = PhaseTheory.diagram(.threeInTwo, columns: 20, rows: 20)
    XCTAssertEqual(Set(diagram.cells.joined()), [0, 1, 2, 3])
    XCTAssertEqual(Set(diagram.categories.map(\.letter)).count, 4)
    XCTAssertEqual(Set(diagram.categories.map(\.color)).count, 4)
    // Below s = 4/7 the regular pair antipodal is cheaper than dropping a regular feature.
    XCTAssertEqual(diagram.cells[19][19], 3)
  }

  /// `toy phase`'s display: the text at the resolution asked, the SVG at it too (200 when
  /// not asked), the JSON the cells drawn.
  func testTheDisplayAloneCarriesTheGridItDraws() throws {
    let display = PhaseTheory.display(
      .threeInTwo, resolution: 7, text: TextOptions(width: 70), color: false, svgStyle: .standard)
    let drawn = try XCTUnwrap(display.plot as? PhaseDiagram)
    XCTAssertEqual(drawn.cells, PhaseTheory.diagram(.threeInTwo, columns: 7, rows: 7).cells)
    XCTAssertEqual(drawn.title, "n=3, m=2: the cheapest candidate (theory)")
    let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(display.json.utf8)) as? [String: Any])
    let data = try XCTUnwrap(object["data"] as? [String: Any])
    XCTAssertEqual(data["cells"] as? [[Double]], drawn.cells.map { $0.map(Double.init) })
    XCTAssertEqual((data["relative_importance"] as? [Double])?.count, 7)
    XCTAssertEqual(display.plain, drawn.plainText(TextOptions(width: 70)))
    XCTAssertTrue(display.svg?.contains("<svg") == true)
    // Without a resolution: as many points as the text has cells, more in colour.
    let plain = PhaseTheory.display(
      .twoInOne, resolution: nil, text: TextOptions(width: 60), color: false, svgStyle: .standard)
    let colour = PhaseTheory.display(
      .twoInOne, resolution: nil, text: TextOptions(width: 60), color: true, svgStyle: .standard)
    let (p, c) = (try XCTUnwrap(plain.plot as? PhaseDiagram), try XCTUnwrap(colour.plot as? PhaseDiagram))
    XCTAssertEqual(p.cells.count, PhaseAxes.paper.textResolution(TextOptions(width: 60, color: false)).rows)
    XCTAssertEqual(c.cells.count, PhaseAxes.paper.textResolution(TextOptions(width: 60, color: true)).rows)
  }

  /// A model swept over the density alone (one relative importance, as `toy train --n 2 --m 1
  /// --show phase` makes) draws a column of the diagram: its one r within 1% either side.
  func testOneImportanceDrawsAColumnOfTheDiagram() throws {
    let session = Session(seed: 0)
    var displays: [Display] = []
    session.onDisplay = { displays.append($0) }
    let script = "model n=2 m=1 importance=0.9^i density=p for p in [1, 0.1, 0.01]\ntrain 5\nshow phase"
    XCTAssertEqual(session.run(Source(name: "-", text: script)), .finished)
    let grid = try XCTUnwrap(displays.last?.plot as? PanelGrid)
    let trained = try XCTUnwrap(grid.panels.last as? PhaseDiagram)
    XCTAssertEqual(trained.cells.map(\.count), [1, 1, 1])
    XCTAssertEqual(trained.axes.importance.lowerBound, 0.9 / 1.01, accuracy: 1e-6)
    XCTAssertEqual(trained.axes.importance.upperBound, 0.9 * 1.01, accuracy: 1e-6)
    // The densities a step apart in log: the axis reaches half a step past each end.
    XCTAssertEqual(trained.axes.density.upperBound, 10.0.squareRoot(), accuracy: 1e-6)
    XCTAssertEqual(trained.axes.density.lowerBound, 0.01 / 10.0.squareRoot(), accuracy: 1e-9)
    // No sweep at all is no diagram.
    guard case .runtimeError(let error) = session.run(Source(name: "-", text: "model n=2 m=1 density=0.1\nshow phase"))
    else { return XCTFail("show phase of one setting drew") }
    XCTAssertTrue(error.message.hasPrefix("phase needs an n=2, m=1"), error.message)
  }
}
