import Foundation
import ToyTestSupport
import XCTest

@testable import ToyPlot

/// The pieces every plot uses: colours, grids, terminal escapes, ticks.
final class FoundationsTests: XCTestCase {
  func testDivergingMapIsPinnedAtZeroWithSymmetricLimits() {
    let map = Colormap.coolwarm
    XCTAssertEqual(map.diverging(0, limit: 1), map.color(at: 0.5))
    XCTAssertEqual(map.diverging(-1, limit: 1), map.stops.first)
    XCTAssertEqual(map.diverging(1, limit: 1), map.stops.last)
    XCTAssertGreaterThan(map.diverging(-1, limit: 1).b, map.diverging(-1, limit: 1).r, "−1 is blue")
    XCTAssertGreaterThan(map.diverging(1, limit: 1).r, map.diverging(1, limit: 1).b, "+1 is red")
    XCTAssertEqual(map.diverging(5, limit: 1), map.stops.last, "clamped")
    XCTAssertEqual(map.color(at: .nan), .grey)
  }

  func testPaletteQuantisation() {
    XCTAssertEqual(RGB(255, 0, 0).xterm256, 196)
    XCTAssertEqual(RGB(0, 0, 0).xterm256, 16)
    XCTAssertEqual(RGB(128, 128, 128).xterm256, 244)
    XCTAssertEqual(RGB(250, 250, 250).ansi16, 15)
    XCTAssertEqual(RGB(0, 0, 0).ansi16, 0)
    XCTAssertEqual(RGB(255, 0, 128).hex, "#ff0080")
  }

  func testGridRowsKeepOneWidthAndAnsiTextResetsEveryColouredLine() {
    var grid = TextGrid(width: 4, height: 2)
    grid.write("abcdef", x: 1, y: 0, foreground: RGB(255, 0, 0))
    grid[0, 1] = Cell("▄", foreground: .white, background: .black)
    XCTAssertEqual(grid.plainText, " abc\n▄   ")
    for depth in ColorDepth.allCases {
      let text = grid.ansiText(depth: depth)
      assertEqualWidths(text, limit: 4, "\(depth)")
      for line in text.split(separator: "\n") where line.contains("\u{1B}") {
        let lastEscape = line.components(separatedBy: "\u{1B}[").last ?? ""
        XCTAssertTrue(
          lastEscape.hasPrefix("0m"), "\(depth): the line must end with colours reset: \(line.debugDescription)")
      }
    }
    XCTAssertTrue(grid.ansiText(depth: .truecolor).contains("\u{1B}[38;2;255;0;0m"))
    XCTAssertTrue(grid.ansiText(depth: .ansi256).contains("\u{1B}[38;5;196m"))
    XCTAssertFalse(grid.ansiText(depth: .none).contains("\u{1B}"))
  }

  func testNiceTicks() {
    XCTAssertEqual(Ticks.linear(0, 1, count: 5), [0, 0.2, 0.4, 0.6, 0.8, 1])
    XCTAssertEqual(Ticks.linear(0, 10_000, count: 3), [0, 5000, 10_000])
    XCTAssertEqual(Ticks.linear(-1, 1, count: 5), [-1, -0.5, 0, 0.5, 1])
    XCTAssertEqual(Ticks.logarithmic(0.001, 1), [0.001, 0.01, 0.1, 1])
    XCTAssertEqual(Ticks.logarithmic(3, 300), [10, 100])
    XCTAssertEqual(Ticks.label(0.001), "1e-3")
    XCTAssertEqual(Ticks.label(0.25), "0.25")
    XCTAssertEqual(Ticks.label(20000), "2e4")
    XCTAssertEqual(Ticks.label(-3), "-3")
    XCTAssertEqual(Ticks.linear(2, 2), [2])
    XCTAssertEqual(Ticks.linear(.nan, 1), [])
  }

  /// Powers of ten as a logarithmic axis computes them (10⁻¹² by twelve divisions lands a
  /// hair under) read as powers of ten: 1e-12, never 10e-13; a mantissa that rounds to 10 at
  /// one decimal moves to the next exponent.
  func testScientificLabelsOfPowersComputedInexactly() {
    let ticks = Ticks.logarithmic(1e-17, 1e-3)
    XCTAssertEqual(ticks.count, 15)
    let labels = ticks.map { Ticks.label($0, among: ticks) }
    XCTAssertEqual(labels, (-17 ... -3).map { "1e\($0)" })
    XCTAssertEqual(Ticks.label(9.96e-7), "1e-6")
    XCTAssertEqual(Ticks.label(9.94e-7), "9.9e-7")
  }

  /// An axis's labels share one style: all plain or all scientific (0 aside), never 0.01
  /// beside 1e-3; and each label reads back as its tick.
  func testTickLabelsShareOneStyleAndReadBack() {
    // Ticks, whether they read plain, and whether each label is exact (else rounded, as
    // ticks at cell centres are).
    let sets: [([Double], plain: Bool, exact: Bool)] = [
      (Ticks.logarithmic(0.001, 1), true, true), (Ticks.logarithmic(1e-4, 1), false, true),
      ([0, 0.005, 0.01], true, true), (Ticks.linear(0, 10_000, count: 3), true, true), ([0, 5e4, 1e5], false, true),
      (Ticks.linear(-1, 1, count: 5), true, true), ([0.0025, 0.005], false, true),
      (Ticks.logarithmic(1, 1e4), true, true), ([2.245, 3.6], true, false), ([0.43, 0.2345], true, false),
    ]
    for (ticks, plain, exact) in sets {
      let labels = ticks.map { Ticks.label($0, among: ticks) }
      for (tick, label) in zip(ticks, labels) where tick != 0 {
        XCTAssertEqual(label.contains("e"), !plain, "\(ticks): \(labels)")
        let tolerance = (exact ? 1e-9 : 0.005) * abs(tick)
        XCTAssertEqual(Double(label) ?? .nan, tick, accuracy: tolerance, "\(ticks): \(labels)")
      }
    }
    XCTAssertEqual(
      Ticks.logarithmic(0.001, 1).map { Ticks.label($0, among: Ticks.logarithmic(0.001, 1)) },
      [
        "0.001", "0.01", "0.1", "1",
      ])
  }

  func testSVGEscapesTextAndWritesArrowMarkers() {
    var svg = SVGWriter(width: 100, height: 50)
    svg.text("a < b & c", x: 1, y: 2)
    svg.line(x1: 0, y1: 0, x2: 10, y2: 10, stroke: RGB(255, 0, 0), arrow: true)
    let doc = svg.document
    XCTAssertTrue(doc.contains("a &lt; b &amp; c"))
    XCTAssertTrue(doc.contains("marker id=\"arrow-ff0000\""))
    XCTAssertTrue(doc.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
  }
}
