import ToyTestSupport
import XCTest

@testable import ToyPlot

/// The phase diagrams of paper §3.4, checked against the closed-form candidate losses.
final class PhaseDiagramTests: XCTestCase {
  /// The cheapest of the n=2, m=1 candidates (paper-notes §3.4), as an index into
  /// `PhaseDiagram.Category.paper`: ignore extra r(s/3 − s²/4), ignore feature 1
  /// s/3 − s²/4, antipodal (1+r)s²/6. Ties go to the earlier one.
  static func winner2x1(r: Double, s: Double) -> Int {
    let dropped = s / 3 - s * s / 4
    let losses = [r * dropped, dropped, (1 + r) * s * s / 6]
    var best = 0
    for i in 1..<3 where losses[i] < losses[best] { best = i }
    return best
  }

  static func theory(columns: Int = 40, rows: Int = 20, title: String? = "n=2, m=1 (theory)") -> PhaseDiagram {
    PhaseDiagram(columns: columns, rows: rows, title: title) { winner2x1(r: $0, s: $1) }
  }

  /// A stand-in for trained models: the theory's solutions as (norm, superposition), blurred
  /// near the antipodal boundary, with one point missing.
  static func empirical(columns: Int = 20, rows: Int = 10) -> EmpiricalPhaseDiagram {
    let axes = PhaseAxes.paper
    var norm: [[Double]] = []
    var superposition: [[Double]] = []
    for row in 0..<rows {
      var n: [Double] = []
      var s: [Double] = []
      for column in 0..<columns {
        let r = axes.importance(column: column, of: columns)
        let d = axes.density(row: row, of: rows)
        switch winner2x1(r: r, s: d) {
        case 0:
          n.append(0)
          s.append(0)
        case 1:
          n.append(1)
          s.append(0)
        default:
          n.append(min(1, r))
          s.append(min(1, 0.02 / d))
        }
      }
      norm.append(n)
      superposition.append(s)
    }
    if rows > 1 && columns > 1 { norm[rows / 2][columns / 2] = .nan }
    return EmpiricalPhaseDiagram(norm: norm, superposition: superposition, title: "n=2, m=1 (trained)")
  }

  // MARK: Golden files

  func testTheoryGolden() {
    let plot = Self.theory()
    assertGolden(plot.plainText(TextOptions(width: 60)), "phase-theory-plain-60")
    assertGolden(plot.plainText(TextOptions(width: 60, ascii: true)), "phase-theory-ascii-60")
    assertGolden(plot.terminalText(TextOptions(width: 60), depth: .truecolor), "phase-theory-truecolor-60")
    assertGolden(plot.terminalText(TextOptions(width: 60), depth: .ansi16), "phase-theory-16-60")
  }

  func testTheoryDownsampledGolden() {
    let plot = Self.theory(columns: 200, rows: 200)
    assertGolden(plot.plainText(TextOptions(width: 40, height: 20)), "phase-theory-downsampled-plain-40x20")
  }

  func testEmpiricalGolden() {
    let plot = Self.empirical()
    assertGolden(plot.plainText(TextOptions(width: 60)), "phase-empirical-plain-60")
    assertGolden(plot.plainText(TextOptions(width: 60, ascii: true)), "phase-empirical-ascii-60")
    assertGolden(plot.terminalText(TextOptions(width: 60), depth: .truecolor), "phase-empirical-truecolor-60")
  }

  /// A small grid is scaled up by whole cells; one column over a narrow range labels its value.
  func testScaledGolden() {
    assertGolden(Self.empirical(columns: 5, rows: 4).plainText(TextOptions(width: 50)), "phase-empirical-5x4-plain-50")
    let column = PhaseDiagram(
      columns: 1, rows: 8, axes: PhaseAxes(importance: 2.97...3.03, density: 0.04...1), title: "r = 3"
    ) { Self.winner2x1(r: $0, s: $1) }
    assertGolden(column.plainText(TextOptions(width: 40)), "phase-theory-column-plain-40")
  }

  func testComparisonGolden() {
    let plot = PanelGrid.phaseComparison(
      theory: Self.theory(columns: 20, rows: 10, title: "theory"), trained: Self.empirical(), title: "n=2, m=1")
    assertGolden(plot.plainText(TextOptions(width: 100)), "phase-comparison-plain-100")
    assertGolden(plot.terminalText(TextOptions(width: 100), depth: .ansi256), "phase-comparison-256-100")
  }

  func testSVGGolden() {
    assertGolden(Self.theory(columns: 8, rows: 4).svgDocument, "phase-theory-8x4-svg")
    assertGolden(Self.empirical(columns: 4, rows: 3).svgDocument, "phase-empirical-4x3-svg")
  }

  // MARK: Properties

  /// Every shown cell of a grid drawn without downsampling has its point's category's letter,
  /// or colour, as the closed-form winner at that point says.
  func testEachCellShowsTheClosedFormWinnersLetterAndColour() {
    let (columns, rows) = (40, 20)
    let plot = Self.theory(columns: columns, rows: rows, title: nil)
    let axes = PhaseAxes.paper
    for color in [false, true] {
      let options = TextOptions(width: 60, color: color)
      let layout = plot.frame.layout(options, legendLines: plot.legendGrids(options).count)
      XCTAssertEqual(layout.shownColumns, columns)
      XCTAssertEqual(layout.shownRows, rows)
      let grid = plot.textGrid(options)
      var seen = Set<Int>()
      var covered = Set<Int>()
      for y in 0..<layout.plotHeight {
        for x in 0..<layout.plotWidth {
          let (row, column) = (layout.shownRow(y), layout.shownColumn(x))
          covered.insert(row * columns + column)
          let k = Self.winner2x1(r: axes.importance(column: column, of: columns), s: axes.density(row: row, of: rows))
          seen.insert(k)
          let category = PhaseDiagram.Category.paper[k]
          let cell = grid[layout.margin + x, layout.top + y]
          if color {
            XCTAssertEqual(cell.background, category.color, "row \(row) column \(column)")
          } else {
            XCTAssertEqual(cell.glyph, category.letter, "row \(row) column \(column)")
          }
        }
      }
      XCTAssertEqual(covered.count, rows * columns, "every point is drawn")
      XCTAssertEqual(seen, [0, 1, 2], "the paper's ranges show all three phases")
    }
  }

  /// The paper's corners: at density 1 an unimportant extra feature is dropped and an
  /// important one dedicated; at density 0.01 an important one is in superposition.
  func testCornersMatchThePaper() {
    let grid = Self.theory(columns: 10, rows: 10, title: nil).cells
    XCTAssertEqual(grid[0][0], 0, "r = 0.1, s = 1: not represented")
    XCTAssertEqual(grid[0][9], 1, "r = 10, s = 1: dedicated")
    XCTAssertEqual(grid[9][9], 2, "r = 10, s = 0.01: superposition")
  }

  func testAxisCentresAreEvenInLog() {
    let axes = PhaseAxes.paper
    XCTAssertEqual(axes.importance(column: 0, of: 2), 0.316_227_766_016_837_94, accuracy: 1e-12)
    XCTAssertEqual(axes.importance(column: 1, of: 2), 3.162_277_660_168_379_5, accuracy: 1e-12)
    XCTAssertEqual(axes.density(row: 0, of: 1), 0.1, accuracy: 1e-12)
    XCTAssertEqual(axes.density(row: 0, of: 4), 0.562_341_325_190_349, accuracy: 1e-12, "the top row is the densest")
    for x in [1e-300, 0.001, 0.5, 1, 2, 10, 12345.678, 1e300] {
      let ln = LogScale.ln(x)
      XCTAssertEqual(LogScale.exp(ln), x, accuracy: x * 1e-13, "exp(ln \(x))")
    }
    XCTAssertEqual(LogScale.ln(10), 2.302_585_092_994_046, accuracy: 1e-15)
    XCTAssertEqual(LogScale.exp(1), 2.718_281_828_459_045, accuracy: 1e-15)
  }

  /// The empirical colouring agrees with the categories at the extremes, and its hue moves
  /// from blue to red with superposition.
  func testEmpiricalColoursMatchTheCategories() {
    XCTAssertEqual(EmpiricalPhaseDiagram.color(norm: 0, superposition: 0.7), PhaseDiagram.Category.notRepresented.color)
    XCTAssertEqual(EmpiricalPhaseDiagram.color(norm: 1, superposition: 0), PhaseDiagram.Category.dedicated.color)
    XCTAssertEqual(EmpiricalPhaseDiagram.color(norm: 1, superposition: 3), PhaseDiagram.Category.superposition.color)
    let colours = stride(from: 0.0, through: 1, by: 0.1).map { EmpiricalPhaseDiagram.color(norm: 1, superposition: $0) }
    for (a, b) in zip(colours, colours.dropFirst()) {
      XCTAssertTrue(a.r <= b.r && a.b >= b.b, "red rises and blue falls: \(a) then \(b)")
    }
    XCTAssertEqual(EmpiricalPhaseDiagram.glyph(norm: 0.9, superposition: 0.1), "D")
    XCTAssertEqual(EmpiricalPhaseDiagram.glyph(norm: 0.6, superposition: 1), "s")
    XCTAssertEqual(EmpiricalPhaseDiagram.glyph(norm: 0.1, superposition: 1), ".")
    XCTAssertEqual(EmpiricalPhaseDiagram.glyph(norm: .nan, superposition: 1), "?")
  }

  func testMajorityDownsamplingKeepsTheCommonestCategory() {
    let plot = PhaseDiagram([[0, 1, 1, 2], [2, 1, 2, 2]])
    XCTAssertEqual(plot.majority(PhaseFrame.Block(rows: 0..<2, columns: 0..<2)), 1)
    XCTAssertEqual(plot.majority(PhaseFrame.Block(rows: 0..<2, columns: 2..<4)), 2)
    XCTAssertEqual(plot.majority(PhaseFrame.Block(rows: 0..<1, columns: 0..<2)), 1, "a tie goes to the centre cell")
    XCTAssertNil(PhaseDiagram([[7]]).majority(PhaseFrame.Block(rows: 0..<1, columns: 0..<1)), "unknown: no data")
  }

  func testTheNoteSaysWhenAndHowTheGridWasDownsampled() {
    let big = Self.theory(columns: 200, rows: 200).plainText(TextOptions(width: 60))
    XCTAssertTrue(big.contains("\n200×200 points in 54×27 cells: each shows the phase most of \nits points have "), big)
    let fine = Self.theory(columns: 54, rows: 27).plainText(TextOptions(width: 60))
    XCTAssertFalse(fine.contains("points in "), fine)
    let tall = Self.empirical(columns: 10, rows: 50).plainText(TextOptions(width: 60, height: 30))
    // 30 rows less 10: the axes' four, the note's two and a legend of up to four.
    XCTAssertTrue(tall.contains("\n10×50 points in 10×20 cells: each shows the   \naverage of its points"), tall)
    XCTAssertLessThanOrEqual(tall.split(separator: "\n").count, 30, "the wrapped note stays within the height")
    XCTAssertTrue(Self.theory(columns: 200, rows: 200).plainText(TextOptions(width: 30, ascii: true)).contains("x"))
  }

  /// Theory and trained diagrams of different grids, drawn with the same options, have the
  /// same plot area and ticks at the same places, whatever the width and height.
  func testDiagramsOfDifferentGridsLineUp() {
    for (width, height) in [(40, nil), (52, nil), (59, nil), (61, nil), (64, nil), (90, nil), (60, 16), (50, 30)]
      as [(Int, Int?)]
    {
      let options = TextOptions(width: width, height: height)
      let theory = Self.theory(columns: 60, rows: 30, title: nil)
      let layouts = [
        theory.frame.layout(options, legendLines: theory.legendGrids(options).count),
        Self.empirical(columns: 3, rows: 3).frame.layout(options, legendLines: 3),
        Self.empirical(columns: 10, rows: 7).frame.layout(options, legendLines: 3),
      ]
      for layout in layouts.dropFirst() {
        XCTAssertEqual(layout.plotWidth, layouts[0].plotWidth, "width \(width) height \(String(describing: height))")
        XCTAssertEqual(layout.plotHeight, layouts[0].plotHeight, "width \(width) height \(String(describing: height))")
        XCTAssertEqual(layout.margin, layouts[0].margin)
      }
    }
  }

  func testTextResolutionFillsTheSpaceWithoutDownsampling() {
    for width in [30, 60, 80, 133] {
      let options = TextOptions(width: width)
      let size = PhaseAxes.paper.textResolution(options)
      let text = Self.theory(columns: size.columns, rows: size.rows, title: nil).plainText(options)
      XCTAssertFalse(text.contains("points in "), "width \(width): \(size)")
      assertEqualWidths(text, limit: width, "width \(width)")
      let wider = Self.theory(columns: size.columns + 1, rows: size.rows, title: nil).plainText(options)
      XCTAssertTrue(wider.contains("points in "), "width \(width): one more column does not fit")
    }
  }

  func testEveryLineHasOneWidthNeverWiderThanTheOptions() {
    let plots: [any Plot] = [
      Self.theory(), Self.theory(columns: 200, rows: 200), Self.empirical(), Self.theory(columns: 1, rows: 1),
      PanelGrid.phaseComparison(theory: Self.theory(), trained: Self.empirical()),
    ]
    for (i, plot) in plots.enumerated() {
      for width in [1, 4, 9, 17, 30, 45, 60, 80, 131] {
        for height in [nil, 1, 8, 30] as [Int?] {
          let options = TextOptions(width: width, height: height)
          assertEqualWidths(plot.plainText(options), limit: width, "plot \(i) at \(width)×\(height ?? 0)")
          assertEqualWidths(
            plot.terminalText(options, depth: .truecolor), limit: width, "plot \(i) colour at \(width)")
        }
      }
    }
  }

  func testASCIIUsesOnlySevenBitBytes() {
    let plots: [any Plot] = [
      Self.theory(), Self.theory(columns: 300, rows: 100), Self.empirical(),
      PanelGrid.phaseComparison(theory: Self.theory(), trained: Self.empirical(), title: "1−S ≥ 0.01"),
    ]
    for plot in plots {
      let text = plot.plainText(TextOptions(width: 80, ascii: true))
      XCTAssertTrue(text.utf8.allSatisfy { $0 < 128 }, text)
    }
  }

  func testEdgeCasesDrawWithoutCrashing() {
    let plots: [any Plot] = [
      PhaseDiagram([]), PhaseDiagram([[]]), PhaseDiagram([[1]]), PhaseDiagram([[0, 1], [2]]),
      PhaseDiagram([[5, -1]], categories: []),
      EmpiricalPhaseDiagram(norm: [], superposition: []),
      EmpiricalPhaseDiagram(norm: [[.nan]], superposition: [[.nan]]),
      EmpiricalPhaseDiagram(norm: [[1, .infinity]], superposition: [[]]),
      PhaseDiagram([[0]], axes: PhaseAxes(importance: 0...0, density: -1...(.infinity))),
      PhaseDiagram([[0]], axes: PhaseAxes(importance: 3...3, density: 0.5...0.5)),
    ]
    for (i, plot) in plots.enumerated() {
      for options in [TextOptions(width: 1), TextOptions(width: 40, height: 3), TextOptions(width: 80)] {
        assertEqualWidths(plot.plainText(options), limit: options.width, "plot \(i)")
        assertEqualWidths(plot.terminalText(options, depth: .ansi256), limit: options.width, "plot \(i)")
      }
      XCTAssertTrue(plot.svgDocument.hasSuffix("</svg>\n"))
    }
    XCTAssertTrue(PhaseDiagram([]).plainText(TextOptions(width: 40)).contains("no data"))
    XCTAssertTrue(PhaseDiagram([[9]]).plainText(TextOptions(width: 40)).contains("??"), "unknown category")
  }

  func testSVGDrawsOneRectanglePerRunOfEqualColour() {
    let plot = PhaseDiagram([[0, 0, 1], [2, 2, 2]], title: "runs")
    let svg = plot.svgDocument
    let fills = PhaseDiagram.Category.paper.map { "fill=\"\($0.color.hex)\"" }
    // Two runs in the first row, one in the second, and one legend swatch each.
    XCTAssertEqual(svg.components(separatedBy: fills[0]).count - 1, 2)
    XCTAssertEqual(svg.components(separatedBy: fills[1]).count - 1, 2)
    XCTAssertEqual(svg.components(separatedBy: fills[2]).count - 1, 2)
    for label in ["0.1", ">1<", ">10<", "0.01", "runs", "relative importance r", "superposition"] {
      XCTAssertTrue(svg.contains(label), label)
    }
  }
}
