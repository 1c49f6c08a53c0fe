import Foundation
import ToyTestSupport
import XCTest

@testable import ToyPlot

/// Line plots: the loss curve (log y) and dimensions per feature against 1/(1−S) (log x).
final class LinePlotTests: XCTestCase {
  /// A loss like 1/(1+t), and a slower one, over 1000 steps.
  static func lossPlot() -> LinePlot {
    let steps = (0..<1000).map(Double.init)
    return LinePlot(
      [
        .init("relu", x: steps, y: steps.map { 1 / (1 + $0) }),
        .init("linear", x: steps, y: steps.map { 0.5 / (1 + $0).squareRoot() }),
      ], logY: true, xLabel: "step", yLabel: "loss", title: "training loss")
  }

  /// Dimensions per feature against 1/(1−S) for 1−S = 20^(−t): a smooth step from 1 down to
  /// a plateau at 1/2, then lower, as in the paper's §3.5.
  static func dimensionsPlot() -> LinePlot {
    let x = (0..<20).map { pow(20, 2 * Double($0) / 19) }
    let y = x.map { 0.5 + 0.5 / (1 + pow($0 / 3, 4)) - 0.2 / (1 + pow(200 / $0, 4)) }
    return LinePlot(
      [.init("m/‖W‖²", x: x, y: y)], logX: true, xLabel: "1/(1−S)", references: ReferenceLine.dimensionsPerFeature)
  }

  // MARK: Golden files

  func testLossGolden() {
    let plot = Self.lossPlot()
    assertGolden(plot.plainText(TextOptions(width: 60, height: 16)), "line-loss-braille-plain")
    assertGolden(plot.plainText(TextOptions(width: 60, height: 16, canvas: .quadrant)), "line-loss-quadrant-plain")
    assertGolden(plot.plainText(TextOptions(width: 60, height: 16, ascii: true)), "line-loss-ascii")
    assertGolden(
      plot.terminalText(TextOptions(width: 60, height: 16), depth: .truecolor), "line-loss-braille-truecolor")
  }

  func testDimensionsPerFeatureGolden() {
    let plot = Self.dimensionsPlot()
    assertGolden(plot.plainText(TextOptions(width: 60, height: 14)), "line-dims-braille-plain")
    assertGolden(plot.plainText(TextOptions(width: 60, height: 14, ascii: true)), "line-dims-ascii")
    assertGolden(plot.terminalText(TextOptions(width: 60, height: 14), depth: .ansi16), "line-dims-braille-16")
    assertGolden(plot.svgDocument, "line-dims-svg")
  }

  // MARK: Properties

  func testLogAxisTicksArePowersOfTen() {
    let plot = Self.lossPlot()
    let options = TextOptions(width: 60, height: 16)
    let layout = plot.frame.layout(options, legendLines: 1, noteLines: 0)
    XCTAssertEqual(layout.y.ticks, [1e-3, 1e-2, 1e-1, 1], "loss from 1/1000 to 1")
    let text = plot.plainText(options)
    for label in ["0.001 ┤", " 0.01 ┤", "  0.1 ┤", "    1 ┤"] { XCTAssertTrue(text.contains(label), label) }
    let dims = Self.dimensionsPlot().frame.layout(options, legendLines: 1, noteLines: 0)
    XCTAssertEqual(dims.x.ticks, [1, 10, 100])
  }

  /// Reference lines sit on the row of their value with their label at the right edge.
  func testReferenceLinesAreLabelledOnTheirRow() {
    let plot = Self.dimensionsPlot()
    let options = TextOptions(width: 60, height: 14)
    let layout = plot.frame.layout(options, legendLines: 1, noteLines: 0)
    let lines = plot.plainText(options).split(separator: "\n").map(String.init)
    for (value, label) in [(1.0, "1"), (0.5, "1/2")] {
      let line = lines[layout.top + layout.row(value)!]
      XCTAssertTrue(line.hasSuffix(" " + label + String(repeating: " ", count: layout.right - label.count - 1)), line)
      XCTAssertTrue(line.contains("╌"), "dashed: \(line)")
    }
  }

  func testWithoutColourSeriesCarryMarkers() {
    let plot = Self.lossPlot()
    let plain = plot.plainText(TextOptions(width: 60, height: 16))
    XCTAssertTrue(plain.contains("─*─ relu"))
    XCTAssertTrue(plain.contains("─o─ linear"))
    XCTAssertGreaterThan(plain.filter { $0 == "o" }.count, 3, "markers along the line")
    let coloured = plot.terminalText(TextOptions(width: 60, height: 16), depth: .truecolor)
    XCTAssertFalse(coloured.contains("─*─"), "colour tells series apart")
  }

  /// A noisy series drawn faint behind its smooth one: dim under the smooth line in colour,
  /// light in SVG, left out of text without colour (its dots would be a band).
  func testFaintSeriesSitBehindAndLeavePlainText() throws {
    let steps = (1...400).map(Double.init)
    let smooth = steps.map { 1 / $0 }
    let noisy = steps.indices.map { smooth[$0] * (1 + 0.8 * Double(($0 * 7) % 5 - 2) / 2) }
    let blue = Colormap.categorical[0]
    let plot = LinePlot(
      [.init("raw", x: steps, y: noisy, color: blue, faint: true), .init("smooth", x: steps, y: smooth, color: blue)],
      logX: true, logY: true)
    let options = TextOptions(width: 60, height: 16)
    let plain = plot.plainText(options)
    XCTAssertFalse(plain.contains("raw"), "no legend item for what plain text does not draw")
    XCTAssertTrue(plain.contains("─── smooth"), "one series left: no markers\n\(plain)")
    let grid = plot.textGrid(TextOptions(width: 60, height: 16, color: true))
    let colours = Set(grid.rows.joined().compactMap(\.foreground))
    XCTAssertTrue(colours.contains(blue))
    XCTAssertTrue(colours.contains(plot.faintColor(of: 0)), "the raw series in its dim colour")
    XCTAssertNotEqual(plot.faintColor(of: 0), blue)
    let svg = plot.svgDocument
    let raw = try XCTUnwrap(svg.range(of: "stroke-opacity=\"0.3\""), "the raw line is light")
    let solid = try XCTUnwrap(svg.range(of: "stroke-width=\"1.5\"/>"))
    XCTAssertLessThan(raw.lowerBound, solid.lowerBound, "the raw line is drawn first, behind")
  }

  /// Twenty series (features) stay apart: twenty colours, and without colour each line
  /// carries its own index as its glyph, none beside another's; the SVG legend takes rows
  /// of several items.
  func testTwentySeriesCanBeFollowed() throws {
    let x = (1...200).map(Double.init)
    let plot = LinePlot(
      (0..<20).map { f in
        .init("feature \(f)", x: x, y: x.map { Double(f) + sin($0 / 20) }, marker: LinePlot.indexMarker(f))
      }, xLabel: "step")
    XCTAssertEqual(Set((0..<20).map { plot.color(of: $0) }).count, 20, "a colour per series")
    XCTAssertEqual((0..<64).map(LinePlot.indexMarker).prefix(12).map(String.init).joined(), "0123456789ab")
    XCTAssertEqual(LinePlot.indexMarker(61), "Z")
    let options = TextOptions(width: 100, height: 60)
    let text = plot.plainText(options)
    let layout = plot.textLayout(options)
    let body = text.split(separator: "\n").map { Array($0) }[layout.top..<layout.top + layout.rows].map {
      Array($0[layout.left..<layout.left + layout.columns])
    }
    for f in 0..<20 {
      let glyph = LinePlot.indexMarker(f)
      XCTAssertGreaterThanOrEqual(body.joined().filter { $0 == glyph }.count, 3, "feature \(f)'s glyph on its line")
      XCTAssertTrue(text.contains("─\(glyph)─ feature \(f)"), "feature \(f) in the legend")
    }
    let marks = Set("0123456789abcdefghij")
    for row in body {
      for (a, b) in zip(row, row.dropFirst()) { XCTAssertFalse(marks.contains(a) && marks.contains(b), String(row)) }
    }
    let legend = plot.svgDocument.components(separatedBy: ">feature ").count - 1
    XCTAssertEqual(legend, 20)
    let columns = XYFrame.legendColumns(
      (0..<20).map { XYFrame.SVGLegendItem(name: "feature \($0)", color: .black) }, width: 428)
    XCTAssertEqual(columns.count, 4, "twenty features in five rows of four, beside reference labels")
  }

  func testEveryModeKeepsWidthsHeightAndCharacterSet() {
    for plot in [Self.lossPlot(), Self.dimensionsPlot()] {
      assertEveryModeKeepsWidths(plot, widths: [10, 40, 97], heights: [nil, 4, 20])
    }
  }

  func testEdgeCasesRenderWithoutCrashingAndSayWhatIsMissing() {
    let cases: [(String, LinePlot, String?)] = [
      ("no series", LinePlot([]), "no data"),
      ("empty", LinePlot([.init("a", y: [])]), "no data"),
      ("one point", LinePlot([.init("a", y: [3])]), nil),
      ("constant", LinePlot([.init("a", y: [2, 2, 2])]), nil),
      ("zeros", LinePlot([.init("a", y: [0, 0, 0, 0])]), nil),
      ("nan", LinePlot([.init("a", y: [1, .nan, 3, .infinity, 2])]), "2 points not shown (NaN or infinite)"),
      (
        "log zeros", LinePlot([.init("a", y: [0, 0, 1, -1])], logY: true),
        "3 points not shown (not positive on a log axis)"
      ),
      ("log x", LinePlot([.init("a", x: [0, 1, 10], y: [1, 2, 3])], logX: true), "1 point not shown"),
      ("log all zero", LinePlot([.init("a", y: [0, 0])], logY: true), nil),
      ("huge", LinePlot([.init("a", y: [1e300, -1e300, Double.leastNonzeroMagnitude])]), nil),
      ("lengths", LinePlot([.init("a", x: [1, 2, 3], y: [1])]), nil),
      ("many", LinePlot((0..<20).map { s in .init("s\(s)", y: (0..<400).map { Double(($0 * 7 + s) % 13) }) }), nil),
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
