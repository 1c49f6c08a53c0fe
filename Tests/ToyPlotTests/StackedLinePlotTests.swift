import XCTest

@testable import ToyPlot

/// Line plots stacked on one x axis: every panel's plot area and ticks in the same columns.
final class StackedLinePlotTests: XCTestCase {
  /// Two panels that alone would disagree on everything: the x range (3…300 against 1…1000),
  /// the y tick labels' width ("0.5" against "0.001") and the reference labels at the right.
  static func stack() -> StackedLinePlot {
    let steps = (3...300).map(Double.init)
    let top = LinePlot(
      [.init("a", x: steps, y: steps.map { 0.5 + 0.1 / $0 }), .init("b", x: steps, y: steps.map { 0.3 + 0.2 / $0 })],
      logX: true, xLabel: "step", yLabel: "D_i", references: ReferenceLine.paperFractions, title: "top")
    let loss = (1...1000).map(Double.init)
    let bottom = LinePlot(
      [.init("loss", x: loss, y: loss.map { 1 / $0 })], logX: true, logY: true, xLabel: "step", title: "bottom")
    return StackedLinePlot([top, bottom])
  }

  /// Per x axis row (a `└` or `+` corner followed by rule): the corner's column, the tick
  /// columns, and the label line below.
  static func axes(_ text: String) -> [[String]] {
    let lines = text.split(separator: "\n").map { Array($0) }
    return lines.indices.compactMap { row -> [String]? in
      let line = lines[row]
      guard let corner = line.firstIndex(where: { $0 != " " }), "└+".contains(line[corner]),
        line[(corner + 1)...].filter({ $0 != " " }).allSatisfy({ "─┬-+".contains($0) })
      else { return nil }
      let ticks = line.indices.filter { $0 > corner && "┬+".contains(line[$0]) }
      return ["\(corner)", "\(ticks)", String(lines[row + 1])]
    }
  }

  func testPanelsShareTheirXAxisInText() {
    let stack = Self.stack()
    for options in [
      TextOptions(width: 80), TextOptions(width: 61, height: 30), TextOptions(width: 100, ascii: true),
      TextOptions(width: 90, canvas: .quadrant),
    ] {
      let text = stack.plainText(options)
      let axes = Self.axes(text)
      XCTAssertEqual(axes.count, 2, text)
      XCTAssertEqual(axes.first, axes.last, "\(options)\n\(text)")
      XCTAssertEqual(Set(text.split(separator: "\n").map(\.count)), [options.width], "every line one width")
      if let height = options.height { XCTAssertLessThanOrEqual(text.split(separator: "\n").count, height) }
    }
    // Alone, the panels disagree: the stack is what lines them up.
    let alone = stack.panels.map { Self.axes($0.plainText(TextOptions(width: 80))).first }
    XCTAssertNotEqual(alone[0], alone[1])
  }

  /// In SVG the plot area's left edge and width are fixed: one x scale and panels drawn at
  /// the same x put the ticks at the same place.
  func testPanelsShareTheirXAxisInSVG() {
    let panels = Self.stack().sharedPanels
    let x = panels.map { AxisScale(fitting: $0.frame.xValues, log: true, count: 7) }
    XCTAssertEqual(x[0], x[1], "one x range and one set of ticks")
    XCTAssertEqual(x[0].ticks, [1, 10, 100, 1000])
    let svg = Self.stack().svgDocument
    XCTAssertEqual(svg.components(separatedBy: "<g transform=\"translate(0,").count, 3, "panels left-aligned")
  }
}
