import ToyTestSupport
import XCTest

@testable import ToyPlot

/// Panels: plots in rows under their titles, one width each, never wider than the space.
final class PanelGridTests: XCTestCase {
  /// A plot that fills the width it is given with its letter, `rows` rows high.
  struct Block: Plot {
    var title: String?
    var letter: Character
    var rows = 3
    var widest = Int.max

    func textGrid(_ options: TextOptions) -> TextGrid {
      let width = min(widest, options.width)
      let line = String(repeating: letter, count: width)
      return TextGrid(
        lines: Array(repeating: line, count: min(rows, options.height ?? rows)), foreground: RGB(0, 0, 255))
    }

    func svg(_ style: SVGStyle) -> SVGWriter {
      var svg = SVGWriter(width: 100, height: 40 + 10 * Double(rows))
      svg.rect(x: 0, y: 0, width: 100, height: 40, fill: RGB(0, 0, 255))
      return svg
    }
  }

  static func blocks(_ count: Int) -> [any Plot] {
    let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return (0..<count).map { Block(title: "1−S = 0.0\($0)", letter: letters[$0 % 26], rows: 2 + $0 % 3) }
  }

  func testGolden() {
    let grid = PanelGrid(Self.blocks(5), columns: 3, title: "panels")
    assertGolden(grid.plainText(TextOptions(width: 50)), "panels-plain-50")
    assertGolden(grid.terminalText(TextOptions(width: 50), depth: .ansi16), "panels-16-50")
    let phases = PanelGrid(
      [0.1, 0.01].map { PhaseDiagramTests.theory(columns: 12, rows: 6, title: "1−S ≥ \($0)") }, title: "two")
    assertGolden(phases.plainText(TextOptions(width: 70, ascii: true)), "panels-phase-ascii-70")
  }

  func testEachPanelGetsTheWidthLessGapsOverColumns() {
    let grid = PanelGrid(Self.blocks(3), columns: 3)
    XCTAssertEqual(grid.panelWidth(width: 80), (80 - 2 * 2) / 3)
    let text = grid.plainText(TextOptions(width: 80))
    let body = text.split(separator: "\n")[1]
    XCTAssertEqual(
      body,
      Substring(
        String(repeating: "A", count: 25) + "  " + String(repeating: "B", count: 25) + "  "
          + String(repeating: "C", count: 25)))
  }

  func testAutomaticColumnsFollowTheWidth() {
    let grid = PanelGrid(Self.blocks(7))
    XCTAssertEqual(grid.columnCount(width: 29), 1)
    XCTAssertEqual(grid.columnCount(width: 62), 2)
    XCTAssertEqual(grid.columnCount(width: 94), 3)
    XCTAssertEqual(PanelGrid(Self.blocks(2)).columnCount(width: 500), 2, "never more columns than panels")
    XCTAssertEqual(PanelGrid(Self.blocks(9), columns: 50).columnCount(width: 10), 4, "each panel at least a column")
  }

  func testEveryLineHasOneWidthNeverWiderThanTheOptions() {
    for count in [1, 2, 3, 5, 8] {
      for columns in [nil, 1, 2, 4, 20] as [Int?] {
        for width in [1, 2, 7, 30, 61, 80, 200] {
          let grid = PanelGrid(Self.blocks(count), columns: columns, title: "the title")
          let label = "\(count) panels, \(columns ?? 0) columns, width \(width)"
          assertEqualWidths(grid.plainText(TextOptions(width: width)), limit: width, label)
          assertEqualWidths(grid.terminalText(TextOptions(width: width), depth: .truecolor), limit: width, label)
          assertEqualWidths(grid.plainText(TextOptions(width: width, height: 9)), limit: width, label)
        }
      }
    }
  }

  func testPanelsTooWideAreClippedAndNarrowOnesCentred() {
    struct Wide: Plot {
      var title: String? { "wide" }
      func textGrid(_ options: TextOptions) -> TextGrid { TextGrid(lines: [String(repeating: "W", count: 500)]) }
      func svg(_ style: SVGStyle) -> SVGWriter { SVGWriter(width: 10, height: 10) }
    }
    let text = PanelGrid([Wide(), Block(letter: "n", widest: 4)], columns: 2).plainText(TextOptions(width: 40))
    assertEqualWidths(text, limit: 40)
    XCTAssertTrue(
      text.contains(String(repeating: "W", count: 19) + "  " + String(repeating: " ", count: 7) + "nnnn"), text)
  }

  func testTitlesAndHeights() {
    let text = PanelGrid(Self.blocks(4), columns: 2, title: "top").plainText(TextOptions(width: 60))
    for i in 0..<4 { XCTAssertTrue(text.contains("1−S = 0.0\(i)"), text) }
    XCTAssertTrue(text.hasPrefix(String(repeating: " ", count: 28) + "top"), text)
    let limited = PanelGrid(Self.blocks(4), columns: 2, title: "top").plainText(TextOptions(width: 60, height: 7))
    XCTAssertEqual(limited.split(separator: "\n").count, 1 + 7, "the height is the body's; the title adds a row")
  }

  func testSVGPlacesEveryPanel() {
    let svg = PanelGrid(Self.blocks(5), columns: 2, title: "svg & panels").svgDocument
    XCTAssertEqual(svg.components(separatedBy: "<g transform=\"translate(").count - 1, 5)
    XCTAssertTrue(svg.contains("translate(116,32)"), svg)
    XCTAssertTrue(svg.contains("svg &amp; panels"))
    XCTAssertTrue(svg.contains("width=\"216\""), svg)
  }

  func testEmptyGridsDrawNothing() {
    XCTAssertEqual(PanelGrid([]).plainText(TextOptions(width: 40)), "")
    XCTAssertEqual(PanelGrid([], title: "none").plainText(TextOptions(width: 40)), "none")
    XCTAssertTrue(PanelGrid([]).svgDocument.hasSuffix("</svg>\n"))
  }

  /// Panels on one colour scale share one colour bar at the figure's right; panels on
  /// different scales keep their own.
  func testPanelsOnOneScaleShareOneColourBar() {
    let bars = (0..<3).map { BarChart([1, 0.5, 0.2], colors: [0, 0.5, 1], title: "panel \($0)") }
    let shared = PanelGrid(bars).svgDocument
    XCTAssertEqual(shared.components(separatedBy: ">superposition</text>").count - 1, 1)
    var other = bars
    other[2].colorRange = 0...2
    let separate = PanelGrid(other).svgDocument
    XCTAssertEqual(separate.components(separatedBy: ">superposition</text>").count - 1, 3)
    let heatmaps = (0..<2).map { Heatmap([[1, -0.5], [-0.5, 1]], limit: 1, title: "h\($0)") }
    // One colour bar: its outline, beside the two matrices' outlines.
    XCTAssertEqual(PanelGrid(heatmaps).svgDocument.components(separatedBy: "fill=\"none\"").count - 1, 3)
  }

  /// A sweep's panels go in one row while it is at most `maximumSVGWidth` wide, else in
  /// balanced rows.
  func testSweepsGoInOneRowWhenTheyFit() {
    XCTAssertEqual(PanelGrid.svgColumns(count: 5, cellWidth: 320, space: 16, columns: nil), 5)
    XCTAssertEqual(PanelGrid.svgColumns(count: 4, cellWidth: 500, space: 16, columns: nil), 4)
    // 2400 px hold seven 320-px panels: ten go in two rows of five, not seven and three.
    XCTAssertEqual(PanelGrid.svgColumns(count: 10, cellWidth: 320, space: 16, columns: nil), 5)
    XCTAssertEqual(PanelGrid.svgColumns(count: 10, cellWidth: 320, space: 16, columns: 2), 2)
    let row = PanelGrid((0..<5).map { _ in VectorPlot([[1, 0], [0, 1]]) }).svg()
    XCTAssertEqual(row.width, 5 * 320 + 4 * 16)
  }
}
