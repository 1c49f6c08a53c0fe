import Foundation
import ToyTestSupport
import XCTest

@testable import ToyPlot

/// Pixel canvases (braille, quadrant, ASCII), lines, marks, and the axes' scales.
final class DotCanvasTests: XCTestCase {
  // MARK: Pixels to glyphs

  func testBrailleBitMappingFollowsUnicodeDotNumbers() {
    func glyph(_ pixels: [(Int, Int)]) -> Character {
      var canvas = DotCanvas(columns: 1, rows: 1, kind: .braille)
      for (x, y) in pixels { canvas.set(x, y, color: nil) }
      return canvas.cell(column: 0, row: 0).glyph
    }
    XCTAssertEqual(glyph([]), "\u{2800}", "an empty cell is the blank braille pattern, not a space")
    XCTAssertEqual(glyph([(0, 0)]), "\u{2801}")
    XCTAssertEqual(glyph([(0, 1)]), "\u{2802}")
    XCTAssertEqual(glyph([(0, 2)]), "\u{2804}")
    XCTAssertEqual(glyph([(1, 0)]), "\u{2808}")
    XCTAssertEqual(glyph([(0, 3)]), "\u{2840}")
    XCTAssertEqual(glyph([(1, 3)]), "\u{2880}")
    let all = (0..<2).flatMap { x in (0..<4).map { (x, $0) } }
    XCTAssertEqual(glyph(all), "\u{28FF}")
    // Every pixel has its own bit.
    let singles = Set(all.map { glyph([$0]) })
    XCTAssertEqual(singles.count, 8)
  }

  func testQuadrantAndAsciiGlyphs() {
    func glyph(_ kind: DotCanvas.Kind, _ pixels: [(Int, Int)]) -> Character {
      var canvas = DotCanvas(columns: 1, rows: 1, kind: kind)
      for (x, y) in pixels { canvas.set(x, y, color: nil) }
      return canvas.cell(column: 0, row: 0).glyph
    }
    XCTAssertEqual(glyph(.quadrant, []), " ")
    XCTAssertEqual(glyph(.quadrant, [(0, 0)]), "▘")
    XCTAssertEqual(glyph(.quadrant, [(1, 0)]), "▝")
    XCTAssertEqual(glyph(.quadrant, [(0, 1)]), "▖")
    XCTAssertEqual(glyph(.quadrant, [(1, 1)]), "▗")
    XCTAssertEqual(glyph(.quadrant, [(0, 0), (1, 1)]), "▚")
    XCTAssertEqual(glyph(.quadrant, [(0, 0), (1, 0)]), "▀")
    XCTAssertEqual(glyph(.quadrant, [(0, 0), (1, 0), (0, 1), (1, 1)]), "█")
    XCTAssertEqual(glyph(.ascii, [(0, 0)]), "'")
    XCTAssertEqual(glyph(.ascii, [(0, 1)]), ".")
    XCTAssertEqual(glyph(.ascii, [(0, 0), (0, 1)]), ":")
    XCTAssertEqual(glyph(.ascii, []), " ")
  }

  func testAPointLandsInTheCellThatHoldsIt() {
    for kind in DotCanvas.Kind.allCases {
      var canvas = DotCanvas(columns: 5, rows: 4, kind: kind)
      let (x, y) = (2 * kind.dotsAcross + kind.dotsAcross - 1, 3 * kind.dotsDown + 1)
      canvas.point(Double(x) + 0.3, Double(y) - 0.2, color: nil)
      for row in 0..<4 {
        for column in 0..<5 {
          XCTAssertEqual(
            canvas.hasPixels(column: column, row: row), column == 2 && row == 3, "\(kind) \(column),\(row)")
        }
      }
      XCTAssertTrue(canvas.isSet(x, y))
    }
  }

  func testOptionsChooseTheCanvas() {
    XCTAssertEqual(DotCanvas.Kind(TextOptions()), .braille)
    XCTAssertEqual(DotCanvas.Kind(TextOptions(canvas: .quadrant)), .quadrant)
    XCTAssertEqual(DotCanvas.Kind(TextOptions(canvas: .ascii)), .ascii)
    XCTAssertEqual(DotCanvas.Kind(TextOptions(ascii: true, canvas: .quadrant)), .ascii, "ASCII wins")
    XCTAssertEqual(DotCanvas.Kind(TextOptions(canvas: .halfBlock)), .braille, "a canvas that does not suit")
  }

  // MARK: Lines

  /// Bresenham against a naive reference: for every pair of ends in a 7×7 square, the line
  /// has one pixel per step of its longer direction, each within half a pixel of the true
  /// line, and contains both ends.
  func testLinesMatchTheIdealLineOnEverySmallShape() {
    var worst = 0.0
    for x0 in 0..<7 {
      for y0 in 0..<7 {
        for x1 in 0..<7 {
          for y1 in 0..<7 {
            var canvas = DotCanvas(columns: 4, rows: 2, kind: .braille)
            canvas.line(from: (x0, y0), to: (x1, y1), color: nil)
            var pixels: [(Int, Int)] = []
            for y in 0..<8 { for x in 0..<8 where canvas.isSet(x, y) { pixels.append((x, y)) } }
            let (dx, dy) = (Double(x1 - x0), Double(y1 - y0))
            let steps = max(abs(x1 - x0), abs(y1 - y0))
            XCTAssertEqual(pixels.count, steps + 1, "(\(x0),\(y0))–(\(x1),\(y1))")
            XCTAssertTrue(canvas.isSet(x0, y0) && canvas.isSet(x1, y1))
            for (x, y) in pixels where steps > 0 {
              // Distance from the true line along the shorter direction.
              let error =
                abs(dx) >= abs(dy)
                ? abs(Double(y0) + dy * Double(x - x0) / dx - Double(y))
                : abs(Double(x0) + dx * Double(y - y0) / dy - Double(x))
              worst = max(worst, error)
            }
          }
        }
      }
    }
    XCTAssertLessThanOrEqual(worst, 0.5 + 1e-12, "max distance from the ideal line: \(worst)")
  }

  func testFarOffLinesAreClippedNotWalked() {
    var canvas = DotCanvas(columns: 4, rows: 2, kind: .braille)
    canvas.line(from: (-1e12, -1e12), to: (1e12, 1e12), color: nil)
    for k in 0..<8 { XCTAssertTrue(canvas.isSet(k, k), "diagonal pixel \(k)") }
    canvas.line(from: (-5, 100), to: (-1, 200), color: nil)
    canvas.line(from: (.nan, 0), to: (3, 3), color: nil)
    canvas.line(from: (0, 0), to: (.infinity, 3), color: nil)
    var count = 0
    for y in 0..<8 { for x in 0..<8 where canvas.isSet(x, y) { count += 1 } }
    XCTAssertEqual(count, 8, "nothing else drawn")
  }

  func testLayersAndColours() {
    let red = RGB(255, 0, 0)
    let blue = RGB(0, 0, 255)
    var canvas = DotCanvas(columns: 3, rows: 1, kind: .braille)
    canvas.background("─", column: 0, row: 0, color: .grey)
    canvas.background("─", column: 1, row: 0, color: .grey)
    canvas.set(2, 0, color: red)
    canvas.set(3, 1, color: blue)
    canvas.mark("*", column: 2, row: 0, color: red)
    XCTAssertEqual(canvas.cell(column: 0, row: 0), Cell("─", foreground: .grey), "background in an empty cell")
    XCTAssertEqual(canvas.cell(column: 1, row: 0).glyph, "\u{2811}", "pixels hide the background")
    XCTAssertEqual(canvas.cell(column: 1, row: 0).foreground, blue, "the last colour drawn")
    XCTAssertEqual(canvas.cell(column: 2, row: 0), Cell("*", foreground: red), "marks on top")
    // Faint pixels show where no ordinary pixel is, and only there (not mixed in).
    let grey = RGB(90, 90, 90)
    for x in 0..<3 { canvas.set(x, 0, color: grey, faint: true) }
    XCTAssertEqual(canvas.cell(column: 1, row: 0), Cell("\u{2811}", foreground: blue), "ordinary pixels hide faint")
    XCTAssertEqual(canvas.cell(column: 0, row: 0), Cell("\u{2809}", foreground: grey), "faint pixels hide background")
  }

  // MARK: Golden files

  /// A star of lines from the centre and a circle of points: what each canvas makes of them.
  static func star(_ kind: DotCanvas.Kind) -> DotCanvas {
    var canvas = DotCanvas(columns: 16, rows: 6, kind: kind)
    let (w, h) = (Double(canvas.pixelWidth - 1), Double(canvas.pixelHeight - 1))
    let centre = (w / 2, h / 2)
    for k in 0..<8 {
      let angle = 2 * Double.pi * Double(k) / 8
      canvas.line(from: centre, to: (centre.0 + w / 2 * cos(angle), centre.1 - h / 2 * sin(angle)), color: nil)
    }
    for k in 0..<24 {
      let angle = 2 * Double.pi * Double(k) / 24
      canvas.point(centre.0 + w / 4 * cos(angle), centre.1 + h / 4 * sin(angle), color: nil)
    }
    canvas.text("star", column: 0, row: 0, color: nil)
    return canvas
  }

  func testStarGolden() {
    assertGolden(Self.star(.braille).grid.plainText, "dotcanvas-star-braille")
    assertGolden(Self.star(.quadrant).grid.plainText, "dotcanvas-star-quadrant")
    assertGolden(Self.star(.ascii).grid.plainText, "dotcanvas-star-ascii")
    for kind in DotCanvas.Kind.allCases { assertEqualWidths(Self.star(kind).grid.plainText, limit: 16, "\(kind)") }
  }

  // MARK: Scales

  func testLog10AgreesWithFoundation() {
    var worst = 0.0
    var x = 1e-300
    while x < 1e300 {
      for m in [1.0, 1.5, 2.0, 3.7, 9.99] {
        worst = max(worst, abs(AxisScale.log10(x * m) - Foundation.log10(x * m)))
      }
      x *= 1e7
    }
    XCTAssertLessThan(worst, 1e-12, "max |difference| \(worst)")
    XCTAssertEqual(AxisScale.log10(1000), 3, accuracy: 1e-14)
    XCTAssertEqual(AxisScale.log10(0), -.infinity)
    XCTAssertTrue(AxisScale.log10(-1).isNaN)
    XCTAssertEqual(
      AxisScale.log10(Double.leastNonzeroMagnitude), Foundation.log10(Double.leastNonzeroMagnitude), accuracy: 1e-12)
  }

  func testLogAxesCoverTheDataAndTickPowersOfTen() {
    for (low, high) in [
      (0.003, 0.9), (1.0, 1000.0), (5.0, 5.0), (2e-7, 3e4), (1e-200, 1e200),
      (3 * .leastNonzeroMagnitude, 3 * .leastNonzeroMagnitude),
    ] {
      let scale = AxisScale(fitting: [low, high, -1, 0, .nan], log: true, count: 5)
      XCTAssertLessThanOrEqual(scale.low, low)
      XCTAssertGreaterThanOrEqual(scale.high, high)
      XCTAssertGreaterThanOrEqual(scale.ticks.count, 2, "\(low)…\(high)")
      for tick in scale.ticks where tick >= .leastNormalMagnitude {
        let exponent = Foundation.log10(tick)
        XCTAssertEqual(exponent, exponent.rounded(), accuracy: 1e-9, "\(tick) is a power of ten")
      }
      XCTAssertLessThanOrEqual(scale.high / scale.low, 1000 * high / low, "at most a decade wider at each end")
      XCTAssertEqual(scale.fraction(scale.low)!, 0, accuracy: 1e-12)
      XCTAssertEqual(scale.fraction(scale.high)!, 1, accuracy: 1e-12)
      XCTAssertNil(scale.fraction(0))
      XCTAssertNil(scale.fraction(-2))
    }
  }

  func testLogAxesKeepWholeDecadesNearTheDataAndPullInFarOnes() {
    let loss = AxisScale(fitting: [0.001, 0.5, 1], log: true, count: 5)
    XCTAssertEqual([loss.low, loss.high], [1e-3, 1])
    XCTAssertEqual(loss.ticks, [1e-3, 1e-2, 1e-1, 1])
    let jittered = AxisScale(fitting: [0.98, 20], log: true, count: 5)
    XCTAssertEqual(jittered.low, 0.98 / 1.1, accuracy: 1e-12)
    XCTAssertEqual(jittered.high, 22, accuracy: 1e-12)
    XCTAssertEqual(jittered.ticks, [1, 10])
    let narrow = AxisScale(fitting: [2, 30], log: true, count: 5)
    XCTAssertEqual([narrow.low, narrow.high], [1, 100], "whole decades when one power of ten would be left")
  }

  func testLinearAxesWidenToNiceEndsAndSurviveDegenerateData() {
    let scale = AxisScale(fitting: [0.03, 0.97], log: false, count: 6)
    XCTAssertEqual(scale.low, 0, accuracy: 1e-12)
    XCTAssertEqual(scale.high, 1, accuracy: 1e-12)
    XCTAssertEqual(scale.ticks.first!, 0, accuracy: 1e-12)
    XCTAssertEqual(scale.ticks.last!, 1, accuracy: 1e-12)
    for values in [[], [0, 0, 0], [5], [-3, -3], [.nan, .infinity], [1e300, -1e300]] as [[Double]] {
      let scale = AxisScale(fitting: values, log: false, count: 5)
      XCTAssertLessThan(scale.low, scale.high, "\(values)")
      XCTAssertTrue(scale.low.isFinite && scale.high.isFinite, "\(values)")
      for value in values where value.isFinite {
        XCTAssertTrue((scale.low...scale.high).contains(value), "\(values)")
      }
    }
  }
}
