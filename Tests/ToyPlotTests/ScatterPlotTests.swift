import Foundation
import ToyTestSupport
import XCTest

@testable import ToyPlot

/// Scatters of feature dimensionality D_i against 1/(1−S), with jitter and the paper's lines.
final class ScatterPlotTests: XCTestCase {
  /// Tight-frame fractions a model might settle on, densest first: a dedicated dimension,
  /// then tetrahedra, triangles, digons, pentagons, square antiprisms.
  static let fractions = [1, 3.0 / 4, 2.0 / 3, 1.0 / 2, 2.0 / 5, 3.0 / 8]

  /// `instances` densities 1/(1−S) = 20^t, t even over [0, 1], with `features` D_i each: feature
  /// j of instance i sits on a fraction that shrinks as the density drops; every seventh is unlearned.
  static func dimensionalities(instances: Int = 10, features: Int = 12) -> (x: [Double], y: [Double]) {
    var x: [Double] = []
    var y: [Double] = []
    for i in 0..<instances {
      let density = pow(20, Double(i) / Double(max(1, instances - 1)))
      for j in 0..<features {
        x.append(density)
        let level = min(fractions.count - 1, (i * fractions.count) / instances + j % 2)
        y.append(j % 7 == 6 ? 0 : fractions[level])
      }
    }
    return (x, y)
  }

  static func paperPlot() -> ScatterPlot {
    let (x, y) = dimensionalities()
    return ScatterPlot(x: x, y: y, jitter: .gap(0.1), logX: true, xLabel: "1/(1−S)", yLabel: "D_i")
  }

  // MARK: Golden files

  func testPaperFractionsGolden() {
    let plot = Self.paperPlot()
    assertGolden(plot.plainText(TextOptions(width: 60, height: 18)), "scatter-dims-braille-plain")
    assertGolden(plot.plainText(TextOptions(width: 60, height: 18, canvas: .quadrant)), "scatter-dims-quadrant-plain")
    assertGolden(plot.plainText(TextOptions(width: 60, height: 18, ascii: true)), "scatter-dims-ascii")
    assertGolden(plot.svgDocument, "scatter-dims-svg")
  }

  func testNotebookFractionsGolden() {
    let (x, y) = Self.dimensionalities()
    let plot = ScatterPlot(
      x: x, y: y, jitter: .gap(0.1), logX: true, xLabel: "1/(1−S)", references: ReferenceLine.notebookFractions,
      title: "dimensionality")
    assertGolden(plot.plainText(TextOptions(width: 64, height: 24)), "scatter-notebook-braille-plain")
    assertGolden(
      plot.terminalText(TextOptions(width: 64, height: 24), depth: .truecolor), "scatter-notebook-braille-truecolor")
  }

  // MARK: Jitter

  func testJitterIsDeterministicAndWithinTheNotebooksSpread() {
    let (x, y) = Self.dimensionalities()
    let plot = ScatterPlot(x: x, y: y, jitter: .gap(0.1))
    let first = plot.points
    let again = ScatterPlot(x: x, y: y, jitter: .gap(0.1)).points
    XCTAssertEqual(first.map(\.x), again.map(\.x), "no randomness from the system")
    let distinct = Array(Set(x)).sorted()
    var moved = 0
    for (k, point) in first.enumerated() {
      let i = distinct.firstIndex(of: x[k])!
      let gap = i + 1 < distinct.count ? distinct[i + 1] - distinct[i] : distinct[i] - distinct[i - 1]
      XCTAssertLessThanOrEqual(abs(point.x - x[k]), 0.1 * gap + 1e-12, "point \(k)")
      XCTAssertEqual(point.y, y[k])
      if point.x != x[k] { moved += 1 }
    }
    XCTAssertGreaterThan(moved, first.count * 9 / 10)
  }

  func testUnitHashCoversMinusOneToOneEvenly() {
    let values = (0..<10_000).map(ScatterPlot.unitHash)
    XCTAssertTrue(values.allSatisfy { $0 >= -1 && $0 < 1 })
    let mean = values.reduce(0, +) / Double(values.count)
    XCTAssertEqual(mean, 0, accuracy: 0.03)
    let negative = values.filter { $0 < 0 }.count
    XCTAssertEqual(Double(negative) / Double(values.count), 0.5, accuracy: 0.03)
    XCTAssertEqual(ScatterPlot.unitHash(-5), ScatterPlot.unitHash(-5))
  }

  func testGapIsToTheNextLargerValue() {
    let sorted = [1.0, 2, 5, 10]
    XCTAssertEqual(ScatterPlot.gap(after: 1, in: sorted), 1)
    XCTAssertEqual(ScatterPlot.gap(after: 2, in: sorted), 3)
    XCTAssertEqual(ScatterPlot.gap(after: 10, in: sorted), 5, "the largest uses the gap below it")
    XCTAssertEqual(ScatterPlot.gap(after: 3, in: [3]), 0)
  }

  /// Training set sizes 3, 5, 10 and 1000 on a log axis: `gap` spreads T = 10 over ±99, below
  /// zero and past 100; `logGap` keeps every point positive and within a factor r^0.1 of its x
  /// (r its nearer neighbour's ratio: 5/3, 2, 2, 100), so no two sizes' clouds meet.
  func testLogGapSpreadsUnevenStepsByTheirRatios() {
    let sizes = [3.0, 5, 10, 1000]
    let x = sizes.flatMap { Array(repeating: $0, count: 200) }
    let y = Array(repeating: 0.5, count: x.count)
    let additive = ScatterPlot(x: x, y: y, jitter: .gap(0.1), logX: true).points
    XCTAssertTrue(additive.contains { $0.x <= 0 }, "the additive spread reaches below zero here")
    let points = ScatterPlot(x: x, y: y, jitter: .logGap(0.1), logX: true).points
    let ratios = [3.0: 5.0 / 3, 5: 2, 10: 2, 1000: 100]
    for (point, xk) in zip(points, x) {
      let reach = LogScale.exp(0.1 * LogScale.ln(ratios[xk]!)) * (1 + 1e-12)
      XCTAssertTrue(point.x > 0 && point.x <= xk * reach && point.x >= xk / reach, "\(xk) drawn at \(point.x)")
    }
    let spread = points.map(\.x).filter { $0 > 9 && $0 < 11 }
    XCTAssertGreaterThan((spread.max() ?? 0) - (spread.min() ?? 0), 0.5, "T = 10's points are spread")
    XCTAssertEqual(ScatterPlot(x: [0, -1, 4], y: [1, 1, 1], jitter: .logGap(0.1)).points.map(\.x)[0...1], [0, -1])
  }

  func testGivenOffsetsAreAdded() {
    let plot = ScatterPlot(x: [1, 2, 3], y: [0, 0, 0], jitter: .offsets([0.5, -0.25]))
    XCTAssertEqual(plot.points.map(\.x), [1.5, 1.75, 3])
  }

  // MARK: Reference lines

  func testReferenceLabelsSitAtTheRightEdgeOnTheirRows() {
    let plot = Self.paperPlot()
    let options = TextOptions(width: 60, height: 18)
    let layout = plot.frame.layout(options, legendLines: 0, noteLines: 0)
    let lines = plot.plainText(options).split(separator: "\n").map(String.init)
    for line in ReferenceLine.paperFractions {
      let text = lines[layout.top + layout.row(line.value)!]
      let label = line.label!
      let right = String(text.suffix(layout.right))
      let labels = right.trimmingCharacters(in: .whitespaces).split(separator: ",").map(String.init)
      XCTAssertTrue(labels.contains(label), "\(label) at the end of: \(text)")
      XCTAssertEqual(text.count, 60)
    }
  }

  func testLinesSharingARowShareALabel() {
    let plot = ScatterPlot(x: [1, 2], y: [0, 1], references: ReferenceLine.notebookFractions)
    let text = plot.plainText(TextOptions(width: 50, height: 8))
    for line in ReferenceLine.notebookFractions { XCTAssertTrue(text.contains(line.label!), line.label!) }
    XCTAssertTrue(text.contains(","), "close fractions are merged on a short plot:\n\(text)")
  }

  // MARK: Invariants and edge cases

  func testEveryModeKeepsWidthsHeightAndCharacterSet() {
    assertEveryModeKeepsWidths(Self.paperPlot(), widths: [10, 40, 97], heights: [nil, 4, 20])
  }

  func testEdgeCasesRenderWithoutCrashingAndSayWhatIsMissing() {
    let (bigX, bigY) = Self.dimensionalities(instances: 20, features: 400)
    let cases: [(String, ScatterPlot, String?)] = [
      ("none", ScatterPlot(x: [], y: []), "no data"),
      ("one", ScatterPlot(x: [3], y: [0.5], jitter: .gap(0.1)), nil),
      ("constant", ScatterPlot(x: [2, 2, 2], y: [0.5, 0.5, 0.5]), nil),
      ("zeros", ScatterPlot(x: [0, 0], y: [0, 0], references: []), nil),
      ("nan", ScatterPlot(x: [1, .nan, 3], y: [0.5, 1, .infinity]), "2 points not shown (NaN or infinite)"),
      (
        "log", ScatterPlot(x: [0, -1, 10], y: [1, 1, 1], logX: true), "2 points not shown (not positive on a log axis)"
      ),
      ("huge", ScatterPlot(x: [1e300, -1e300], y: [1e-300, 0]), nil),
      ("big", ScatterPlot(x: bigX, y: bigY, jitter: .gap(0.1), logX: true), nil),
    ]
    for (name, plot, note) in cases {
      for options in [TextOptions(width: 50), TextOptions(width: 2, height: 1), TextOptions(width: 50, ascii: true)] {
        assertEqualWidths(plot.plainText(options), limit: options.width, name)
        if let height = options.height { XCTAssertLessThanOrEqual(plot.textGrid(options).height, height, name) }
      }
      if let note { XCTAssertTrue(plot.plainText(TextOptions(width: 60)).contains(note), "\(name): \(note)") }
      XCTAssertTrue(plot.svgDocument.hasSuffix("</svg>\n"), name)
    }
  }
}
