import XCTest

@testable import ToyPlot

/// Two panels stacked in a height: the upper gets what the lower can spare at its smallest,
/// the lower the rest.
final class StackedPanelsTests: XCTestCase {
  /// A plot as tall as it is let be, up to `natural` rows.
  struct Shrinking: Plot {
    var natural: Int
    var title: String? { nil }
    func textGrid(_ options: TextOptions) -> TextGrid {
      TextGrid(width: 4, height: min(natural, options.height ?? natural))
    }
    func svg(_ style: SVGStyle) -> SVGWriter { SVGWriter(width: 1, height: 1) }
  }

  /// A plot that takes every row it is given, never fewer than `minimum`.
  struct Filling: Plot {
    var minimum: Int
    var title: String? { "norms" }
    func textGrid(_ options: TextOptions) -> TextGrid {
      TextGrid(width: 4, height: max(minimum, options.height ?? minimum))
    }
    func svg(_ style: SVGStyle) -> SVGWriter { SVGWriter(width: 1, height: 1) }
  }

  func testTheUpperPanelGetsWhatTheLowerCanSpareAndTheLowerTheRest() {
    let stack = StackedPanels(upper: Shrinking(natural: 15), lower: Filling(minimum: 6))
    // 30 rows: the upper panel's 15, a blank row, the lower's title and 13 rows.
    XCTAssertEqual(stack.textGrid(TextOptions(width: 10, height: 30)).height, 30)
    // 20 rows: the lower at its smallest (title and 6) leaves the upper 12.
    let short = stack.textGrid(TextOptions(width: 10, height: 20))
    XCTAssertEqual(short.height, 20)
    XCTAssertEqual(Shrinking(natural: 15).textGrid(TextOptions(width: 10, height: 12)).height, 12)
    // No height: each its own.
    XCTAssertEqual(stack.textGrid(TextOptions(width: 10)).height, 15 + 1 + 1 + 6)
    XCTAssertEqual(stack.textGrid(TextOptions(width: 10)).width, 10, "centred in the width")
  }
}
